"""The PINs a task asks for, one after the other: setting a PIN asks twice, changing it asks for
the old one and the new one twice. No kivy here.

    PinSteps(task)     task: "set", "unlock", "change" or "restore"
        prompt         what to type now
        give(pin) -> tuple | None    the PINs when all are typed (then it starts again), else None;
                                     PinError when a new PIN is not 4 to 8 digits or the two differ
        restart()
"""

from __future__ import annotations

from studio.sessions.vault import PinError, check_pin

PROMPTS = {
    "set": ("Type a new PIN: 4 to 8 digits.", "Type the same PIN again."),
    "unlock": ("Type the mentor PIN.",),
    "change": ("Type the PIN you use now.", "Type the new PIN: 4 to 8 digits.", "Type the new PIN again."),
    "restore": ("Type the PIN that was used on the day of the backup.",),
}
NEW_PIN_STEPS = {"set": (0, 1), "change": (1, 2)}  # the steps that type a new PIN (the second repeats it)
NOT_THE_SAME = "The two PINs were not the same. Start again."


class PinSteps:
    def __init__(self, task: str):
        if task not in PROMPTS:
            raise ValueError(f"task must be one of {', '.join(PROMPTS)}, got {task!r}")
        self.task = task
        self._typed: list[str] = []

    @property
    def prompt(self) -> str:
        return PROMPTS[self.task][len(self._typed)]

    def restart(self) -> None:
        self._typed = []

    def give(self, pin: str) -> tuple[str, ...] | None:
        new_steps = NEW_PIN_STEPS.get(self.task)
        step = len(self._typed)
        if new_steps and step == new_steps[0]:
            check_pin(pin)
        if new_steps and step == new_steps[1] and pin != self._typed[new_steps[0]]:
            self._typed = self._typed[:new_steps[0]]
            raise PinError(NOT_THE_SAME)
        self._typed.append(pin)
        if len(self._typed) < len(PROMPTS[self.task]):
            return None
        typed, self._typed = tuple(self._typed), []
        return typed

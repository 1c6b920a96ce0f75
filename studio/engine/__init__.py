"""The live audio engine: a process of its own, driven by small messages (see DESIGN.md)."""

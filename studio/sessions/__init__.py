"""Sessions: who the participants are, what they agreed to, what they made, and the mentor's notes,
kept encrypted on the tablet. The screens use store.SessionStore; the other modules are its parts."""

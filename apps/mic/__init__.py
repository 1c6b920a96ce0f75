"""The Mic app: record vocals and raps over a beat."""

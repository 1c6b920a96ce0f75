"""The Mic app's takes: recorded to disk as they are sung, kept safe through crashes and full disks."""

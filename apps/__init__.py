"""Ward Studio's touch apps (Kivy).

Importing this package stays light (no kivy), because main.py reads its options before the
engine process starts and Kivy opens a window. The Kivy parts live in apps.app and below.
"""

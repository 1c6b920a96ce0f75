"""Export: songs arranged from beats, takes and sound files, mixed down, mastered and saved as files.

song.py / song_store.py   the song model and where songs are kept
mixdown.py, mastering.py  the render (through the live graphs) and the loudness and true-peak limiting
export_job.py             export_song(): the whole export, file by file; export_process.py runs it apart
audio_files.py, tags.py   the file formats and their tags; performance_set.py: a numbered set for a show
"""

"""The styles the demo tracks and the tempo test set are played in.

Patterns are in the step notation of notation.py, a bar between each "|": 16 sixteenths to a bar,
or 12 triplet eighths in the shuffle. Drum grooves: "intro" and "outro" are what a DJ mixes in
and out over (drums alone), "main" the body, "break" the breakdown, "fill" a section's last bar.
"""

from __future__ import annotations

from studio.decks.demo_synth.style import Drum, Part, Style

BOOM_BAP = Style(
    name="boom-bap",
    swing=0.6,
    drums={
        "kick": Drum("boom-bap/kick"),
        "snare": Drum("boom-bap/snare", -1.0, send=0.15),
        "hat": Drum("boom-bap/hat-closed", 1.0, choke="hat"),
        "open": Drum("boom-bap/hat-open", -3.0, choke="hat"),
        "stick": Drum("boom-bap/side-stick", -4.0, pan=-0.25),
        "shaker": Drum("boom-bap/shaker", -1.0),
    },
    grooves={
        "intro": {
            "kick": "X......x..X.....|X.x....x..X.....",
            "snare": "....X.......X...|....X.......X...",
            "hat": "x.o.x.o.x.o.x.o.|x.o.x.o.x.o.x.o.",
        },
        "main": {
            "kick": "X......x..X.....|X.x....x..X...o.",
            "snare": "....X.......X...|....X.......X..-",
            "hat": "x.o.x.o.x.o.x.o-|x.o.x.o.x.o...o.",
            "open": "................|............x...",
            "shaker": "..-...-...-...-.|..-...-...-...-.",
        },
        "break": {
            "hat": "x.o.x.o.x.o.x.o.",
            "stick": "....x.......x...",
        },
        "fill": {
            "kick": "X......x..X.....",
            "snare": "....X.......X-oX",
            "hat": "x.o.x.o.x.o.....",
        },
    },
    parts={
        "bass": Part("line", "bass", "R=====.R==R===.5|R=====.R==R==.8=", 2, -1.0),
        "keys": Part("chords", "keys", "C=======...c====|C=======..c=====", 4, -7.0, send=0.3,
                     strum_ms=14.0),
        "lead": Part("melody", "lead", "5===3=4=5=======|......8=6===5===|4===6===8=====7=|5===============",
                     4, -8.0, pan=0.15, send=0.3, echo=0.35),
    },
    chords=(1, 6, 4, 5),
    echo_steps=6,
)

LOFI = Style(
    name="lo-fi",
    swing=0.62,
    drums={
        "kick": Drum("boom-bap/kick-soft", -1.0),
        "snare": Drum("boom-bap/snare", -1.0, send=0.2),
        "stick": Drum("boom-bap/side-stick", -3.0, pan=-0.2, send=0.1),
        "hat": Drum("boom-bap/hat-closed", -1.0, pan=0.2, choke="hat"),
        "shaker": Drum("boom-bap/shaker", -6.0),
    },
    grooves={
        "intro": {
            "kick": "X.....x...X.....|X......x..X.....",
            "stick": "....x.......x...|....x.......x...",
            "hat": "x-o-x-o-x-o-x-o-|x-o-x-o-x-o-x-o-",
        },
        "main": {
            "kick": "X.....x...X.....|X......x..X...o.",
            "snare": "....x.......x...|....x.......x...",
            "stick": "....o.......o...|....o.......o..-",
            "hat": "x-o-x-o-x-o-x-o-|x-o-x-o-x-o-x.o-",
        },
        "break": {
            "hat": "x-o-x-o-x-o-x-o-",
            "shaker": "..o...o...o...o.",
        },
        "fill": {
            "kick": "X.....x...X.....",
            "snare": "....x.......x.-o",
            "hat": "x-o-x-o-x-o-....",
        },
    },
    parts={
        "bass": Part("line", "bass", "R=======.....5=.|R=======..R===L=", 2, -2.0),
        "keys": Part("chords", "keys", "C===========c===|C=======..c=====", 4, -6.0, send=0.35, strum_ms=28.0),
        "lead": Part("melody", "keys", "........5=3=2===|................|........3=2=1===|................",
                     5, -2.0, pan=0.2, send=0.4, echo=0.4),
    },
    chords=(4, 3, 2, 1),
    music_lowpass_hz=4200.0,
    crackle_dbfs=-44.0,
    reverb_s=2.0,
    echo_steps=6,
    loudness_db=-17.0,
)

HOUSE = Style(
    name="house",
    swing=0.54,  # the slight shuffle of a drum machine's house groove
    drums={
        "kick": Drum("house/kick"),
        "clap": Drum("house/clap", 1.0, send=0.2),
        "snare": Drum("house/snare", -4.0),
        "hat": Drum("house/hat-closed", -3.0, pan=0.15, choke="hat"),
        "open": Drum("house/hat-open", -2.0, pan=0.15, choke="hat"),
        "shaker": Drum("house/shaker", -5.0),
        "crash": Drum("house/crash", -3.0, send=0.2),
    },
    grooves={
        "intro": {
            "kick": "X...X...X...X...",
            "hat": "..x...x...x...x.",
            "shaker": "o-x-o-x-o-x-o-x-",
        },
        "main": {
            "kick": "X...X...X...X...",
            "clap": "....X.......X...",
            "hat": "o...o...o...o...",
            "open": "..X...X...X...X.",
            "shaker": "o-x-o-x-o-x-o-x-",
        },
        "break": {
            "hat": "..x...x...x...x.",
            "shaker": "o-x-o-x-o-x-o-x-",
        },
        "build": {
            "snare": "x...x...x...x...|x...x...x...x...|x.x.x.x.x.x.x.x.|xxxxxxxxXXXXXXXX",
            "shaker": "o-x-o-x-o-x-o-x-",
        },
        "fill": {
            "kick": "X...X...X...X...",
            "clap": "....X.......X...",
            "snare": "..........x.xxXX",
            "open": "..X...X...X.....",
        },
    },
    parts={
        "bass": Part("line", "bass", "..R=..R=..R=..R=|..R=..R=..8=.5R=", 2, 0.0, duck=True),
        "keys": Part("chords", "keys", "C=====c=....c===", 4, -8.0, send=0.3, strum_ms=6.0, duck=True),
        "stabs": Part("chords", "keys", "..C=..C=..C=..C=", 4, -8.0, send=0.25, duck=True),
        "pad": Part("chords", "pad", "C===============", 4, -12.0, send=0.4, duck=True),
        "lead": Part("melody", "pluck", "c..a..8.c..a..9.|c..a..8.c..a..6.|c..a..7.c..a..9.|b..9..7.b..9..5.",
                     4, -5.0, pan=-0.1, send=0.25, echo=0.35),
    },
    chords=(1, 6, 3, 7),
    crash="crash",
    duck_depth=0.55,
    loudness_db=-14.0,
)

FUNK = Style(
    name="funk",
    drums={
        "kick": Drum("acoustic/kick"),
        "snare": Drum("acoustic/snare", -1.0, send=0.15),
        "hat": Drum("acoustic/hat-closed", -2.0, choke="hat"),
        "open": Drum("acoustic/hat-open", -3.0, choke="hat"),
        "tom": Drum("acoustic/tom-high", -3.0),
        "floor": Drum("acoustic/tom-floor", -3.0),
        "tambourine": Drum("percussion/tambourine", -3.0, pan=0.35),
        "conga": Drum("percussion/conga-open", -5.0, pan=-0.35),
        "mute": Drum("percussion/conga-mute", -6.0, pan=-0.35),
        "crash": Drum("acoustic/crash", -4.0, send=0.15),
    },
    grooves={
        "intro": {
            "kick": "X...X...X...X...",
            "snare": "....X.......X...",
            "hat": "x..-x..-x..-x..-",
            "open": "..X...X...X...X.",
        },
        "main": {
            "kick": "X...X...X...X...",
            "snare": "....X.......X...|....X.......X..-",
            "hat": "x..-x..-x..-x..-",
            "open": "..X...X...X...X.",
            "tambourine": "..x...x...x...x.",
            "conga": "......o...o....o|......o...o..o..",
            "mute": "..-.-.......-...|..-.-.......-...",
        },
        "break": {
            "hat": "x..-x..-x..-x..-",
            "conga": "......o...o....o|......o...o..o..",
            "mute": "..-.-.......-...|..-.-.......-...",
            "tambourine": "....x.......x...",
        },
        "fill": {
            "kick": "X...X...X...X...",
            "snare": "....X...x.x.....",
            "tom": "............x.x.",
            "floor": ".............x.X",
            "hat": "x..-x..-........",
        },
    },
    parts={
        "bass": Part("line", "bass", "R=.R..8=.R-.5=7.|R=.R..8=.R-.R=5=", 2, -1.0),
        "keys": Part("chords", "keys", "..c..c..C.c..c..", 5, -7.0, pan=-0.2, chord_size=3),
        "pad": Part("chords", "pad", "C===============", 4, -13.0, pan=0.2, send=0.3),
        "lead": Part("melody", "lead", "8.7.5...3.5.7===|6.5.3...5.6.4===", 4, -8.0, pan=0.15, send=0.25,
                     echo=0.2),
    },
    chords=(1, 4, 1, 7),
    crash="crash",
    reverb_s=1.2,
    loudness_db=-15.0,
)

TRAP = Style(
    name="trap",
    drums={
        "kick": Drum("trap/kick"),
        "clap": Drum("trap/clap", 4.0, send=0.2),
        "snare": Drum("trap/snare", -4.0),
        "hat": Drum("trap/hat-closed", 0.0, pan=0.1, choke="hat"),
        "open": Drum("trap/hat-open", -4.0, pan=0.1, choke="hat"),
        "crash": Drum("trap/crash", -4.0, send=0.2),
    },
    grooves={
        "intro": {
            "kick": "X.........X.....|X.........X.....",
            "clap": "........X.......|........X.......",
            "hat": "x.x.x.x.x.x.x.x.|x.x.x.x.x.x.x2x.",
        },
        "main": {
            "kick": "X.........X.....|X......x..X...o.",
            "clap": "........X.......|........X.......",
            "snare": "........x.......|........x......-",
            "hat": "x.x.x.x.x.x.x2x.|x.x.x.x.x.x.33x.",
            "open": "................|..............x.",
        },
        "break": {
            "hat": "x...x...x...x...",
            "clap": "........o.......",
        },
        "fill": {
            "kick": "X.........X.....",
            "clap": "........X.......",
            "hat": "x.x.x.x.33332222",
        },
    },
    parts={
        "808": Part("line", "808", "R=========R===5=|R======R==R=====", 1, -9.0),
        "bell": Part("melody", "keys", "c..a..8.a..8..7.|8...............", 4, -4.0, pan=0.2, send=0.3, echo=0.45),
        "pad": Part("chords", "pad", "C===============================", 4, -13.0, send=0.4),
    },
    chords=(1, 6, 4, 5),
    chord_bars=2.0,
    crash="crash",
    reverb_s=2.2,
    loudness_db=-14.0,
)

DRUM_AND_BASS = Style(
    name="drum & bass",
    drums={
        "kick": Drum("acoustic/kick", 0.0),
        "snare": Drum("acoustic/snare", 1.0, send=0.15),
        "hat": Drum("acoustic/hat-closed", -3.0, choke="hat"),
        "ride": Drum("acoustic/ride", -4.0, pan=0.3),
        "crash": Drum("acoustic/crash", -4.0, send=0.15),
    },
    grooves={
        "intro": {
            "kick": "X.........X.....|X.........X.....",
            "snare": "....X.......X...|....X.......X...",
            "hat": "x.o.x.o.x.o.x.o.|x.o.x.o.x.o.x.o.",
        },
        "main": {
            "kick": "X.........X.....|X.X.......X.....",
            "snare": "....X..-.-..X...|....X..-.-..X.-.",
            "hat": "x.o.x.o.x.o.x.o.|x.o.x.o.x.o.x.o.",
            "ride": "x...x...x...x...",
        },
        "break": {
            "ride": "x...x...x...x...",
        },
        "fill": {
            "kick": "X.........X.....",
            "snare": "....X...x.xxXxXX",
            "hat": "x.o.x.o.........",
        },
    },
    parts={
        "bass": Part("line", "bass", "R===========R===|R=======5===R===", 1, -3.0),
        "pad": Part("chords", "pad", "C===============================", 4, -11.0, send=0.45),
        "arp": Part("line", "pluck", "R.3.5.8.5.3.5.8.|R.3.5.8.7.5.3.5.", 4, -9.0, pan=-0.2, send=0.2, echo=0.3),
        "lead": Part("melody", "lead", "8=======7=======|5===============|6=======5=======|3=======2===1===",
                     5, -11.0, pan=0.15, send=0.4, echo=0.3),
    },
    chords=(1, 6, 3, 7),
    chord_bars=2.0,
    crash="crash",
    reverb_s=2.0,
    loudness_db=-14.0,
)

# ---- styles only the tempo test set uses: feels that trip tempo detectors ----------------------

DEMBOW = Style(
    name="dembow",
    drums={
        "kick": Drum("trap/kick"),
        "snare": Drum("house/snare", -3.0),
        "hat": Drum("trap/hat-closed", -5.0),
        "rim": Drum("house/rim", -6.0),
    },
    grooves={
        "main": {
            "kick": "X...X...X...X...",
            "snare": "...x..x....x..x.",
            "hat": "x.x.x.x.x.x.x.x.",
            "rim": "...o..o....o..o.",
        },
    },
    parts={
        "bass": Part("line", "808", "R==R==R=R==R==R=", 1, -9.0),
        "keys": Part("chords", "keys", "...C..C....C..C.", 4, -8.0),
    },
    chords=(1, 6, 3, 7),
)

SHUFFLE = Style(
    name="shuffle",
    steps_per_beat=3,
    drums={
        "kick": Drum("acoustic/kick"),
        "snare": Drum("acoustic/snare", -1.0),
        "ride": Drum("acoustic/ride", -3.0),
        "hat": Drum("acoustic/hat-pedal", -5.0),
    },
    grooves={
        "main": {
            "kick": "X.....X..x..",
            "snare": "...X.....X..",
            "ride": "x.ox.ox.ox.o",
            "hat": "...x.....x..",
        },
    },
    parts={
        "bass": Part("line", "bass", "R.R5.58.85.5", 2, -1.0),
        "keys": Part("chords", "keys", "..c..c..c..c", 4, -9.0, chord_size=3),
    },
    chords=(1, 4, 1, 5),
)

SPARSE_PIANO = Style(
    name="sparse piano",
    drums={"kick": Drum("boom-bap/kick-soft")},
    grooves={"main": {"kick": "X.......X......."}},
    parts={
        "keys": Part("chords", "keys", "C=======c=======", 4, -5.0, send=0.3, strum_ms=20.0),
        "melody": Part("melody", "keys", "5=======3===2===|1===============", 5, -7.0, send=0.3),
    },
    chords=(1, 6, 4, 5),
    reverb_s=2.5,
)

TRACK_STYLES = (BOOM_BAP, LOFI, HOUSE, FUNK, TRAP, DRUM_AND_BASS)
ALL_STYLES = TRACK_STYLES + (DEMBOW, SHUFFLE, SPARSE_PIANO)

"""Scale-locked melodic pads ("Keys"): 16 pads that each play a note of a chosen key and scale,
with a synth bass or an electric-piano sound, so no pad ever plays a wrong note."""

"""Documented limits, enforced at validation. The README lists the same values."""

MAX_SCRIPT_BYTES = 256_000  # refused before parsing; round-trip parsing runs ~70 KB/s
MAX_YAML_DEPTH = 32  # nesting of mappings and sequences
MAX_YAML_NODES = 200_000  # nodes after alias expansion (stops "billion laughs")
MAX_YAML_ALIASES = 1_000
MAX_BODIES = 1_024  # bodies per scene, spawned bodies included
MAX_EVENTS = 1_000
MAX_EXPECTATIONS = 200
MAX_DURATION_S = 60.0
MAX_FPS = 120
MAX_FRAMES = 7_200  # video frames, slow motion included (60 s at 120 fps)
MIN_FPS = 1
MAX_RESOLUTION = (3840, 2160)  # width, height
MIN_RESOLUTION_SIDE = 16
MAX_SPEED_M_S = 200.0  # a body faster than this means the simulation blew up
MAX_MESH_BYTES = 50_000_000
MAX_FRAGMENTS = 64  # fragments per fracture (each level)
MAX_FRACTURE_DEPTH = 2  # fragments of fragments, no deeper
MAX_LIQUID_PARTICLES = 20_000  # per liquid, after the volume -> count conversion (2 l at 2.2 mm)
MAX_LIQUIDS = 8
MAX_JOINTS = 256
MAX_ROPES = 16  # each up to 64 segments, counted in MAX_BODIES
MAX_ROPE_LENGTH_M = 1_000.0
MAX_WATER_VOLUMES = 8

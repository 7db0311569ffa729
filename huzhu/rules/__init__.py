"""The pure rules of the scheme (SPEC §2-§5). No Django import here: a test enforces it."""

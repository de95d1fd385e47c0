"""BoneTrack clinical engine: pure functions over a PatientHistory (no Django, no clock)."""

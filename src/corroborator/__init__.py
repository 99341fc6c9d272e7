"""corroborator: what is established across outlets, by whom, and how independently."""

"""Every op, registered once (STYLE rule 2); importing this package installs methods."""

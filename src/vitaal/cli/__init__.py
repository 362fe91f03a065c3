"""Layer 5: the command line. Parses input, calls the core, renders output."""

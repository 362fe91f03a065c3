"""Layer 4: the method. Turns engine results into findings: impact, flags, the seven steps."""

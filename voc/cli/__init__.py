"""`python -m voc ...`: thin commands over the packages, and the benchmarks."""

/* Exits 0 at once: the smallest process, for spawn benchmarks. */
int main(void) { return 0; }

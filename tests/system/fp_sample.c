/* Floating-point code compiled with the default (FP-enabled) flags: the no-FP
   check must reject it. */
double scale(double a, double b) { return a * b + 1.0; }
float sum(const float* x, int n) {
  float s = 0;
  for (int i = 0; i < n; ++i) s += x[i];
  return s;
}

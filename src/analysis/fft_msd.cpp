#include "ionbath/analysis/fft_msd.hpp"

#include <fftw3.h>

#include <algorithm>
#include <stdexcept>

namespace ionbath::analysis {

namespace {
// Smallest n ≥ target whose prime factors are 2, 3, 5, 7 (fast FFTW sizes).
std::size_t fast_fft_length(std::size_t target) {
  for (std::size_t n = std::max<std::size_t>(target, 1);; ++n) {
    std::size_t r = n;
    for (std::size_t f : {2, 3, 5, 7})
      while (r % f == 0)
        r /= f;
    if (r == 1)
      return n;
  }
}

std::size_t nonempty(std::size_t samples) {
  if (samples == 0)
    throw std::invalid_argument("FftMsd: empty trajectory");
  return samples;
}
} // namespace

struct FftMsd::Plans {
  double *real = nullptr;       // fft_length, zero-padded component / autocorrelation
  fftw_complex *spec = nullptr; // fft_length/2 + 1
  std::vector<double> power;    // Σ_c |X_c(ω)|²
  fftw_plan forward = nullptr;  // real → spec
  fftw_plan backward = nullptr; // spec → real

  explicit Plans(std::size_t n) : power(n / 2 + 1) {
    real = fftw_alloc_real(n);
    spec = fftw_alloc_complex(n / 2 + 1);
    if (!real || !spec)
      throw std::bad_alloc();
    forward = fftw_plan_dft_r2c_1d(int(n), real, spec, FFTW_ESTIMATE);
    backward = fftw_plan_dft_c2r_1d(int(n), spec, real, FFTW_ESTIMATE);
    if (!forward || !backward)
      throw std::runtime_error("FftMsd: FFTW planning failed");
  }
  ~Plans() {
    if (forward)
      fftw_destroy_plan(forward);
    if (backward)
      fftw_destroy_plan(backward);
    fftw_free(real);
    fftw_free(spec);
  }
  Plans(const Plans &) = delete;
  Plans &operator=(const Plans &) = delete;
};

FftMsd::FftMsd(std::size_t samples)
    : samples_(nonempty(samples)), fft_length_(fast_fft_length(2 * samples)),
      plans_(std::make_unique<Plans>(fft_length_)) {}
FftMsd::~FftMsd() = default;
FftMsd::FftMsd(FftMsd &&) noexcept = default;
FftMsd &FftMsd::operator=(FftMsd &&) noexcept = default;

namespace {
// Zero padding and power spectrum before the first component (r2c keeps its input; only the
// final c2r overwrites the padding).
void start(FftMsd::Plans &f, std::size_t K, std::size_t N) {
  std::fill(f.real + K, f.real + N, 0.0);
  std::fill(f.power.begin(), f.power.end(), 0.0);
}

// Adds one centred component to r2 (|R_k − R̄|²) and its power spectrum |X(ω)|² to f.power.
template <class Component>
void add_component(FftMsd::Plans &f, std::size_t K, std::size_t N, Component component,
                   std::vector<double> &r2) {
  double mean = 0;
  for (std::size_t k = 0; k < K; ++k)
    mean += component(k);
  mean /= double(K);
  for (std::size_t k = 0; k < K; ++k) {
    const double v = component(k) - mean;
    f.real[k] = v;
    r2[k] += v * v;
  }
  fftw_execute(f.forward);
  for (std::size_t j = 0; j <= N / 2; ++j)
    f.power[j] += f.spec[j][0] * f.spec[j][0] + f.spec[j][1] * f.spec[j][1];
}
} // namespace

AllOriginMsdCurve FftMsd::compute(std::span<const Vec3> R_A, double dt_ps) {
  if (R_A.size() != samples_)
    throw std::invalid_argument("FftMsd: trajectory length differs from the planned length");
  std::vector<double> r2(samples_, 0.0);
  start(*plans_, samples_, fft_length_);
  for (int c = 0; c < 3; ++c)
    add_component(
        *plans_, samples_, fft_length_, [&](std::size_t k) { return R_A[k][c]; }, r2);
  return finish(r2, dt_ps);
}

AllOriginMsdCurve FftMsd::compute(std::span<const double> x_A, std::span<const double> y_A,
                                  std::span<const double> z_A, double dt_ps) {
  if (x_A.size() != samples_ || y_A.size() != samples_ || z_A.size() != samples_)
    throw std::invalid_argument("FftMsd: trajectory length differs from the planned length");
  std::vector<double> r2(samples_, 0.0);
  start(*plans_, samples_, fft_length_);
  for (const auto column : {x_A, y_A, z_A})
    add_component(
        *plans_, samples_, fft_length_, [&](std::size_t k) { return column[k]; }, r2);
  return finish(r2, dt_ps);
}

// MSD(m) = [Σ_{k<K−m} (|R_k|² + |R_{k+m}|²) − 2 Σ_{k<K−m} R_k·R_{k+m}] / (K − m).
AllOriginMsdCurve FftMsd::finish(const std::vector<double> &r2, double dt_ps) {
  const std::size_t K = samples_, N = fft_length_;
  Plans &f = *plans_;
  for (std::size_t j = 0; j <= N / 2; ++j) {
    f.spec[j][0] = f.power[j];
    f.spec[j][1] = 0.0;
  }
  fftw_execute(f.backward); // real[m] = N Σ_k R_k·R_{k+m} (FFTW is unnormalized)

  AllOriginMsdCurve out;
  out.lag_ps.resize(K);
  out.msd_A2.resize(K);
  out.origins.resize(K);
  double q = 0; // Σ_{k=0}^{K−1−m} (|R_k|² + |R_{k+m}|²), updated downwards in m
  for (double v : r2)
    q += 2 * v;
  for (std::size_t m = 0; m < K; ++m) {
    if (m > 0)
      q -= r2[m - 1] + r2[K - m];
    out.lag_ps[m] = double(m) * dt_ps;
    out.origins[m] = std::int64_t(K - m);
    out.msd_A2[m] = m == 0 ? 0.0 : (q - 2 * f.real[m] / double(N)) / double(K - m);
  }
  return out;
}

AllOriginMsdCurve all_origin_msd(std::span<const Vec3> R_A, double dt_ps) {
  FftMsd fft(R_A.size());
  return fft.compute(R_A, dt_ps);
}

} // namespace ionbath::analysis

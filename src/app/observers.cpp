#include "ionbath/app/observers.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <unistd.h>

namespace ionbath::app {

namespace {
std::string particle_key(const char *name, std::size_t i) {
  return i == 0 ? std::string(name) : fmt::format("{}_{}", name, i);
}
} // namespace

HopCounter::HopCounter(const Mat3 &lattice_vectors, std::span<const Vec3> R0_A,
                       const Checkpoint *resume)
    : inverse_lattice_(lattice_vectors.inverse()), hops_(R0_A.size(), 0) {
  for (const auto &R : R0_A)
    cells_.push_back(cell_of(R));
  if (!resume)
    return;
  if (hops_.size() == 1)
    hops_[0] = resume->get_int("hops");
  else
    for (std::size_t i = 0; i < hops_.size(); ++i)
      hops_[i] = std::int64_t(resume->get_doubles("hops_per_particle").at(i));
}

void HopCounter::observe(const ParticleSample &sample) {
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    const Cell now = cell_of(sample.R_A[i]);
    if (now != cells_[i]) {
      ++hops_[i];
      cells_[i] = now;
    }
  }
}

void HopCounter::save(Checkpoint &checkpoint) {
  checkpoint.set_int("hops", hops());
  if (hops_.size() > 1)
    checkpoint.set_doubles("hops_per_particle", {hops_.begin(), hops_.end()});
}

std::int64_t HopCounter::hops() const {
  std::int64_t total = 0;
  for (const auto h : hops_)
    total += h;
  return total;
}

namespace {
std::string accumulator_key(std::size_t k, std::size_t ions) {
  return k < ions ? particle_key("msd", k) : fmt::format("collective_msd_{}", k - ions);
}

analysis::CollectiveMsd make_msd(const analysis::SegmentMsdParams &params,
                                 std::vector<int> species_of_ion, std::vector<double> charge_number,
                                 const Checkpoint *resume) {
  if (!resume)
    return {params, std::move(species_of_ion), std::move(charge_number)};
  const std::size_t count =
      analysis::CollectiveMsd::accumulator_count(species_of_ion, int(charge_number.size()));
  std::vector<std::vector<double>> states;
  for (std::size_t k = 0; k < count; ++k)
    states.push_back(resume->get_array(accumulator_key(k, species_of_ion.size())));
  return analysis::CollectiveMsd::restore(std::move(species_of_ion), std::move(charge_number),
                                          states);
}
} // namespace

SegmentMsdObserver::SegmentMsdObserver(const analysis::SegmentMsdParams &params,
                                       std::vector<int> species_of_ion,
                                       std::vector<double> charge_number, const Checkpoint *resume)
    : msd_(make_msd(params, std::move(species_of_ion), std::move(charge_number), resume)) {}

void SegmentMsdObserver::observe(const ParticleSample &sample) {
  msd_.push(sample.R_A);
}

void SegmentMsdObserver::save(Checkpoint &checkpoint) {
  const auto states = msd_.serialize();
  for (std::size_t k = 0; k < states.size(); ++k)
    checkpoint.set_array(accumulator_key(k, msd_.ion_count()), states[k]);
}

PositionLog::PositionLog(std::string path, std::size_t particles, const Checkpoint *resume)
    : path_(std::move(path)), particles_(particles) {
  const std::size_t sample_bytes = 3 * particles_ * sizeof(double);
  if (resume && resume->has("positions")) { // checkpoint of an earlier version: in memory
    const auto &kept = resume->get_array("positions");
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_)
      std::fwrite(kept.data(), sizeof(double), kept.size(), file_);
    samples_ = std::int64_t(kept.size() / (3 * particles_));
  } else if (resume) {
    samples_ = resume->get_int("position_samples");
    std::error_code ec;
    std::filesystem::resize_file(path_, std::uintmax_t(samples_) * sample_bytes, ec);
    if (ec)
      throw InputError(fmt::format("cannot resume the position log '{}' at {} samples: {}", path_,
                                   samples_, ec.message()));
    file_ = std::fopen(path_.c_str(), "ab");
  } else {
    file_ = std::fopen(path_.c_str(), "wb");
  }
  if (!file_)
    throw InputError(fmt::format("cannot open '{}': {}", path_, std::strerror(errno)));
}

PositionLog::~PositionLog() {
  if (file_)
    std::fclose(file_);
}

void PositionLog::observe(const ParticleSample &sample) {
  buffer_.insert(buffer_.end(), sample.R_A.begin(), sample.R_A.end());
  ++samples_;
  if (buffer_.size() >= buffer_samples * particles_)
    write_buffer();
}

void PositionLog::write_buffer() {
  if (std::fwrite(buffer_.data(), sizeof(Vec3), buffer_.size(), file_) != buffer_.size())
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  buffer_.clear();
}

void PositionLog::save(Checkpoint &checkpoint) {
  write_buffer();
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0)
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  checkpoint.set_int("position_samples", samples_);
}

std::vector<Vec3> PositionLog::read_particle(std::size_t i) {
  write_buffer();
  if (std::fflush(file_) != 0)
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  std::FILE *in = std::fopen(path_.c_str(), "rb");
  if (!in)
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path_, std::strerror(errno)));
  std::vector<Vec3> sample(particles_), out;
  out.reserve(std::size_t(samples_));
  for (std::int64_t k = 0; k < samples_; ++k) {
    if (std::fread(sample.data(), sizeof(Vec3), particles_, in) != particles_) {
      std::fclose(in);
      throw std::runtime_error(fmt::format("'{}': truncated at sample {}", path_, k));
    }
    out.push_back(sample[i]);
  }
  std::fclose(in);
  return out;
}

void PositionLog::remove() {
  std::fclose(file_);
  file_ = nullptr;
  std::filesystem::remove(path_);
}

H5mdObserver::H5mdObserver(const std::string &path, const io::H5mdTrajectoryInfo &info,
                           double dt_ps, const Checkpoint *resume)
    : writer_(path, info, resume ? io::H5Output::Mode::resume : io::H5Output::Mode::create,
              resume ? resume->get_int("frames") : 0),
      stride_(info.stride), dt_ps_(dt_ps) {}

void H5mdObserver::observe(const ParticleSample &sample) {
  if (sample.k % stride_ != 0)
    return;
  R_.clear();
  V_.clear();
  for (std::size_t i = 0; i < sample.R_A.size(); ++i) {
    R_.insert(R_.end(), {sample.R_A[i].x(), sample.R_A[i].y(), sample.R_A[i].z()});
    V_.insert(V_.end(),
              {sample.V_A_per_ps[i].x(), sample.V_A_per_ps[i].y(), sample.V_A_per_ps[i].z()});
  }
  writer_.append(sample.k, double(sample.k) * dt_ps_, R_, V_);
}

void H5mdObserver::save(Checkpoint &checkpoint) {
  checkpoint.set_int("frames", writer_.flush());
}

} // namespace ionbath::app

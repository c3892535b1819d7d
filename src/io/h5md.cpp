#include "ionbath/io/h5md.hpp"

#include "ionbath/parallel/comm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace ionbath::io {

H5mdTrajectoryWriter::H5mdTrajectoryWriter(const std::string &path, const H5mdTrajectoryInfo &info,
                                           H5Output::Mode mode, std::int64_t resume_frames,
                                           std::int64_t buffer_frames)
    : out_(path, parallel::Communicator::self_serial(), mode), particles_(info.particles),
      buffer_frames_(buffer_frames) {
  const std::string g = "/particles/" + particles_.group;
  position_ = g + "/position";
  velocity_ = g + "/velocity";
  if (particles_.periodic_box_A) {
    image_ = g + "/image";
    edges_ = g + "/box/edges";
  }
  if (!particles_.ids.empty() && std::int64_t(particles_.ids.size()) != particles_.count())
    throw std::invalid_argument(fmt::format("H5MD '{}': {} ids for {} particles", path,
                                            particles_.ids.size(), particles_.count()));
  if (mode == H5Output::Mode::resume && out_.exists(position_ + "/value")) {
    for (const auto *element : {&position_, &velocity_, &image_, &edges_}) {
      if (element->empty())
        continue;
      for (const char *d : {"/value", "/step", "/time"})
        out_.truncate_rows(*element + d, resume_frames);
    }
    frames_on_disk_ = resume_frames;
    return;
  }
  create(info);
}

void H5mdTrajectoryWriter::create(const H5mdTrajectoryInfo &info) {
  const std::array<std::int64_t, 2> version{1, 1};
  out_.write_attribute("/h5md", "version", std::span<const std::int64_t>(version));
  out_.write_attribute("/h5md/author", "name", "ionbath user");
  out_.write_attribute("/h5md/creator", "name", "ionbath");
  out_.write_attribute("/h5md/creator", "version", IONBATH_VERSION);
  write_particles();
  const std::int64_t n = particles_.count();
  for (const auto &[group, unit] :
       {std::pair{&position_, "Angstrom"}, std::pair{&velocity_, "Angstrom ps-1"}}) {
    out_.create_extendible_double(*group + "/value", Shape{n, 3}, unit, buffer_frames_);
    out_.create_extendible_int64(*group + "/step", Shape{}, dimensionless, buffer_frames_);
    out_.create_extendible_double(*group + "/time", Shape{}, "ps", buffer_frames_);
  }
  if (!image_.empty()) {
    out_.create_extendible_int64(image_ + "/value", Shape{n, 3}, dimensionless, buffer_frames_);
    // Box vectors per frame (constant): MDAnalysis reads only this form.
    out_.create_extendible_double(edges_ + "/value", Shape{3, 3}, "Angstrom", buffer_frames_);
    for (const auto *element : {&image_, &edges_}) {
      out_.create_extendible_int64(*element + "/step", Shape{}, dimensionless, buffer_frames_);
      out_.create_extendible_double(*element + "/time", Shape{}, "ps", buffer_frames_);
    }
  }
  out_.write_string("/parameters/config", info.config_toml);
  out_.write_attribute("/parameters", "kT_meV", info.kT_meV);
  out_.write_attribute("/parameters", "seed", info.seed);
  out_.write_attribute("/parameters", "temperature_index", info.temperature_index);
  out_.write_attribute("/parameters", "trajectory_id", info.trajectory_id);
  out_.write_attribute("/parameters", "stride", info.stride);
  out_.write_attribute("/parameters", "dt_ps", info.dt_ps);
}

// The box and the time-independent species and ids of the particle group.
void H5mdTrajectoryWriter::write_particles() {
  const std::string g = "/particles/" + particles_.group;
  out_.write_attribute(g + "/box", "dimension", std::int64_t{3});
  const bool periodic = particles_.periodic_box_A.has_value();
  const std::string b = periodic ? "periodic" : "none";
  const std::array<std::string, 3> boundary{b, b, b};
  out_.write_attribute(g + "/box", "boundary", std::span<const std::string>(boundary));
  if (particles_.species.empty())
    return;
  std::vector<std::string> labels;
  std::vector<std::int64_t> numbers;
  for (const auto &s : particles_.species) {
    auto it = std::find(labels.begin(), labels.end(), s);
    if (it == labels.end())
      it = labels.insert(labels.end(), s);
    numbers.push_back(std::int64_t(it - labels.begin()));
  }
  out_.write(g + "/species", numbers, dimensionless);
  out_.write_attribute(g + "/species", "labels", std::span<const std::string>(labels));
  std::vector<std::int64_t> ids = particles_.ids;
  for (std::int64_t i = std::int64_t(ids.size()); i < particles_.count(); ++i)
    ids.push_back(i);
  out_.write(g + "/id", ids, dimensionless);
}

void H5mdTrajectoryWriter::append(std::int64_t step, double time_ps, const Vec3 &R_A,
                                  const Vec3 &v_A_per_ps) {
  append(step, time_ps, std::span<const double>(R_A.data(), 3),
         std::span<const double>(v_A_per_ps.data(), 3));
}

// R = r + Σ_k image_k L_k with r's fractional coordinates in [0, 1) (an orthorhombic box: per
// component, R_c = r_c + image_c L_cc).
void H5mdTrajectoryWriter::wrap(const Vec3 &R) {
  const Mat3 &L = *particles_.periodic_box_A;
  const bool orthorhombic = L.isDiagonal(0.0);
  const Vec3 f = orthorhombic ? Vec3(R.cwiseQuotient(L.diagonal())) : Vec3(L.inverse() * R);
  Vec3 image;
  for (int c = 0; c < 3; ++c)
    image[c] = std::floor(f[c]);
  const Vec3 r = orthorhombic ? Vec3(R - image.cwiseProduct(L.diagonal())) : Vec3(R - L * image);
  positions_.insert(positions_.end(), {r.x(), r.y(), r.z()});
  for (int c = 0; c < 3; ++c)
    images_.push_back(std::int64_t(image[c]));
}

void H5mdTrajectoryWriter::append(std::int64_t step, double time_ps, std::span<const double> R_A,
                                  std::span<const double> v_A_per_ps) {
  const auto n = std::size_t(3 * particles_.count());
  if (R_A.size() != n || v_A_per_ps.size() != n)
    throw std::invalid_argument(fmt::format("H5MD append: {} position and {} velocity values "
                                            "for {} particles",
                                            R_A.size(), v_A_per_ps.size(), particles_.count()));
  steps_.push_back(step);
  times_.push_back(time_ps);
  velocities_.insert(velocities_.end(), v_A_per_ps.begin(), v_A_per_ps.end());
  if (image_.empty()) {
    positions_.insert(positions_.end(), R_A.begin(), R_A.end());
  } else {
    for (std::size_t i = 0; i < n; i += 3)
      wrap(Vec3(R_A[i], R_A[i + 1], R_A[i + 2]));
  }
  if (std::int64_t(steps_.size()) >= buffer_frames_)
    flush();
}

std::int64_t H5mdTrajectoryWriter::flush() {
  if (!steps_.empty()) {
    for (const auto &[group, values] :
         {std::pair{&position_, &positions_}, std::pair{&velocity_, &velocities_}}) {
      out_.append_rows(*group + "/value", std::span<const double>(*values));
      out_.append_rows(*group + "/step", std::span<const std::int64_t>(steps_));
      out_.append_rows(*group + "/time", std::span<const double>(times_));
    }
    if (!image_.empty()) {
      const Mat3 &L = *particles_.periodic_box_A;
      std::vector<double> edges;
      for (std::size_t f = 0; f < steps_.size(); ++f)
        for (int k = 0; k < 3; ++k) // row k: box vector k
          edges.insert(edges.end(), {L(0, k), L(1, k), L(2, k)});
      out_.append_rows(image_ + "/value", std::span<const std::int64_t>(images_));
      out_.append_rows(edges_ + "/value", std::span<const double>(edges));
      for (const auto *element : {&image_, &edges_}) {
        out_.append_rows(*element + "/step", std::span<const std::int64_t>(steps_));
        out_.append_rows(*element + "/time", std::span<const double>(times_));
      }
    }
    frames_on_disk_ += std::int64_t(steps_.size());
    steps_.clear();
    times_.clear();
    positions_.clear();
    velocities_.clear();
    images_.clear();
  }
  out_.flush();
  return frames_on_disk_;
}

void H5mdTrajectoryWriter::commit() {
  flush();
  out_.commit();
}

void H5mdTrajectoryWriter::suspend() {
  flush();
  out_.suspend();
}

} // namespace ionbath::io

// The common layer of the trajectory readers: species selection, ordering by id, unwrapping,
// frame times and their spacing, and the format choice of open_trajectory.
#include "ionbath/io/trajectory_reader.hpp"

#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <unordered_map>

namespace ionbath::io {

namespace {

constexpr std::int32_t kUnselected = -1, kUnknown = -2;

// Cartesian position of fractional coordinates u in the cell (rows = lattice vectors).
void to_cartesian(const RawFrame &f, const double *u, double *r) {
  for (int j = 0; j < 3; ++j)
    r[j] = f.origin[j] + u[0] * f.cell[j] + u[1] * f.cell[3 + j] + u[2] * f.cell[6 + j];
}

void to_fractional(const RawFrame &f, const CellMatrix &inverse, const double *r, double *s) {
  const double d[3] = {r[0] - f.origin[0], r[1] - f.origin[1], r[2] - f.origin[2]};
  for (int j = 0; j < 3; ++j)
    s[j] = d[0] * inverse[j] + d[1] * inverse[3 + j] + d[2] * inverse[6 + j];
}

std::string frame_name(std::int64_t index, std::int64_t step) {
  return step >= 0 ? fmt::format("frame {} (step {})", index + 1, step)
                   : fmt::format("frame {}", index + 1);
}

} // namespace

CellMatrix TrajectoryChunk::cell(std::int64_t frame) const {
  CellMatrix m{};
  std::copy_n(cells.begin() + frame * 9, 9, m.begin());
  return m;
}

class TrajectoryReader::Impl {
public:
  Impl(std::unique_ptr<FrameSource> source, const TrajectoryOptions &options)
      : source_(std::move(source)), options_(options), path_(source_->path()),
        format_(source_->format()) {
    if (!source_->next(frame_, true))
      throw InputError(fmt::format("{}: no frames in the trajectory", path_));
    pending_ = true;
    atoms_in_file_ = frame_.atoms();
    select_particles();
    periodic_ = frame_.has_cell && std::any_of(frame_.periodic.begin(), frame_.periodic.end(),
                                               [](bool p) { return p; });
  }

  TrajectoryChunk read_chunk(std::int64_t max_frames) {
    TrajectoryChunk chunk;
    chunk.first_frame = frames_read_;
    chunk.particles = std::int64_t(ids_.size());
    while (chunk.frames < max_frames) {
      if (!pending_ && (done_ || !source_->next(frame_, false))) {
        done_ = true;
        break;
      }
      pending_ = false;
      append(chunk);
    }
    return chunk;
  }

  std::unique_ptr<FrameSource> source_;
  TrajectoryOptions options_;
  std::string path_, format_;
  std::vector<std::int64_t> ids_, types_;
  std::vector<std::string> species_;
  bool periodic_ = false;
  std::int64_t frames_read_ = 0;

private:
  void select_particles();
  void check_requested(const std::set<std::string> &labels, const std::set<std::int64_t> &types);
  std::int32_t slot(std::int64_t id) const;
  void gather(TrajectoryChunk &chunk);
  void unwrap(TrajectoryChunk &chunk);
  void unwrap_minimum_image(double *r, std::size_t p, const CellMatrix &inverse);
  void append_time(TrajectoryChunk &chunk);

  RawFrame frame_;
  bool pending_ = false, done_ = false;
  std::int64_t atoms_in_file_ = 0;
  std::int64_t dense_first_ = 0;
  std::vector<std::int32_t> dense_slot_;                       // id - dense_first_ → slot
  std::unordered_map<std::int64_t, std::int32_t> sparse_slot_; // when ids are sparse
  std::vector<std::int64_t> seen_;                             // frame stamp per file atom
  std::vector<std::int64_t> images_;                           // [particles × 3] of this frame
  std::vector<double> previous_fraction_, unwrapped_fraction_; // minimum-image state
  std::int64_t last_step_ = -1, step_spacing_ = 0;
  double last_time_ = 0, time_spacing_ = 0;

  void append(TrajectoryChunk &chunk) {
    if (frame_.atoms() != atoms_in_file_)
      throw InputError(fmt::format("{}: {} has {} atoms, the first frame had {}: atom counts that "
                                   "change are not supported",
                                   path_, frame_name(frames_read_, frame_.step), frame_.atoms(),
                                   atoms_in_file_));
    gather(chunk);
    unwrap(chunk);
    append_time(chunk);
    const CellMatrix cell = frame_.has_cell ? frame_.cell : CellMatrix{};
    chunk.cells.insert(chunk.cells.end(), cell.begin(), cell.end());
    ++chunk.frames;
    ++frames_read_;
  }
};

void TrajectoryReader::Impl::check_requested(const std::set<std::string> &labels,
                                             const std::set<std::int64_t> &types) {
  for (const auto &name : options_.species)
    if (!labels.count(name))
      throw InputError(fmt::format("{}: species '{}' is not in the trajectory (it has: {})", path_,
                                   name, fmt::join(labels, ", ")));
  for (const auto type : options_.types)
    if (!types.count(type))
      throw InputError(fmt::format("{}: atom type {} is not in the trajectory (it has types: {})",
                                   path_, type, fmt::join(types, ", ")));
}

// Particles of the first frame, sorted by id, filtered by species; the id → slot map.
void TrajectoryReader::Impl::select_particles() {
  const std::int64_t n = atoms_in_file_;
  std::vector<std::int64_t> row(static_cast<std::size_t>(n));
  std::iota(row.begin(), row.end(), 0);
  auto id_of = [&](std::int64_t i) { return frame_.id.empty() ? i + 1 : frame_.id[i]; };
  std::sort(row.begin(), row.end(), [&](auto a, auto b) { return id_of(a) < id_of(b); });
  for (std::int64_t k = 1; k < n; ++k)
    if (id_of(row[k]) == id_of(row[k - 1]))
      throw InputError(
          fmt::format("{}: atom id {} appears twice in frame 1", path_, id_of(row[k])));
  auto type_of = [&](std::int64_t i) { return frame_.type.empty() ? 0 : frame_.type[i]; };
  auto label_of = [&](std::int64_t i) {
    return frame_.label.empty() ? std::to_string(type_of(i)) : frame_.label[i];
  };
  std::set<std::string> labels;
  std::set<std::int64_t> types;
  for (std::int64_t i = 0; i < n; ++i) {
    labels.insert(label_of(i));
    types.insert(type_of(i));
  }
  check_requested(labels, types);
  const bool all = options_.species.empty() && options_.types.empty();
  const std::set<std::string> want_labels(options_.species.begin(), options_.species.end());
  const std::set<std::int64_t> want_types(options_.types.begin(), options_.types.end());
  const std::int64_t first = n ? id_of(row.front()) : 0, last = n ? id_of(row.back()) : 0;
  const bool dense = first >= 0 && last - first < 8 * n + 1024;
  if (dense) {
    dense_first_ = first;
    dense_slot_.assign(std::size_t(last - first + 1), kUnknown);
  }
  for (const auto i : row) {
    std::int32_t s = kUnselected;
    if (all || want_labels.count(label_of(i)) || want_types.count(type_of(i))) {
      s = std::int32_t(ids_.size());
      ids_.push_back(id_of(i));
      types_.push_back(type_of(i));
      species_.push_back(label_of(i));
    }
    if (dense)
      dense_slot_[std::size_t(id_of(i) - first)] = s;
    else
      sparse_slot_[id_of(i)] = s;
  }
  seen_.assign(ids_.size(), -1);
}

std::int32_t TrajectoryReader::Impl::slot(std::int64_t id) const {
  if (!dense_slot_.empty()) {
    const std::int64_t k = id - dense_first_;
    return k >= 0 && k < std::int64_t(dense_slot_.size()) ? dense_slot_[std::size_t(k)] : kUnknown;
  }
  const auto it = sparse_slot_.find(id);
  return it == sparse_slot_.end() ? kUnknown : it->second;
}

// Raw coordinates (and image flags) of the selected particles, in id order, into the chunk.
void TrajectoryReader::Impl::gather(TrajectoryChunk &chunk) {
  const std::size_t particles = ids_.size(), base = chunk.positions.size();
  chunk.positions.resize(base + particles * 3);
  const bool images = !frame_.image.empty();
  images_.resize(images ? particles * 3 : 0);
  std::size_t filled = 0;
  const std::int64_t n = frame_.atoms();
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t id = frame_.id.empty() ? i + 1 : frame_.id[std::size_t(i)];
    const std::int32_t s = slot(id);
    if (s == kUnselected)
      continue;
    if (s == kUnknown)
      throw InputError(fmt::format("{}: {}: atom id {} was not in frame 1", path_,
                                   frame_name(frames_read_, frame_.step), id));
    if (seen_[std::size_t(s)] == frames_read_)
      throw InputError(fmt::format("{}: {}: atom id {} appears twice", path_,
                                   frame_name(frames_read_, frame_.step), id));
    seen_[std::size_t(s)] = frames_read_;
    ++filled;
    std::copy_n(frame_.xyz.begin() + i * 3, 3, chunk.positions.begin() + base + s * 3);
    if (images)
      std::copy_n(frame_.image.begin() + i * 3, 3, images_.begin() + s * 3);
  }
  if (filled != particles) // a selected id is missing (its place taken by another id)
    throw InputError(fmt::format("{}: {}: {} of the selected atoms are missing", path_,
                                 frame_name(frames_read_, frame_.step), particles - filled));
}

void TrajectoryReader::Impl::unwrap(TrajectoryChunk &chunk) {
  const std::size_t particles = ids_.size();
  double *out = chunk.positions.data() + chunk.positions.size() - particles * 3;
  const bool periodic =
      frame_.has_cell &&
      std::any_of(frame_.periodic.begin(), frame_.periodic.end(), [](bool p) { return p; });
  if ((frame_.fractional || periodic) && !frame_.has_cell)
    throw InputError(fmt::format("{}: {}: fractional coordinates without a cell", path_,
                                 frame_name(frames_read_, frame_.step)));
  const bool minimum_image = periodic && !frame_.unwrapped && images_.empty();
  const CellMatrix inverse =
      minimum_image && !frame_.fractional
          ? inverse_cell(frame_.cell,
                         fmt::format("{}: {}", path_, frame_name(frames_read_, frame_.step)))
          : CellMatrix{};
  for (std::size_t p = 0; p < particles; ++p) {
    double *r = out + p * 3;
    if (minimum_image) {
      unwrap_minimum_image(r, p, inverse);
      continue;
    }
    if (frame_.fractional) {
      const double s[3] = {r[0], r[1], r[2]};
      to_cartesian(frame_, s, r);
    }
    if (!images_.empty()) // r + n·H
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k)
          r[j] += double(images_[p * 3 + k]) * frame_.cell[k * 3 + j];
  }
}

// u(t) = u(t-1) + the minimum image of s(t) - s(t-1), in fractional coordinates of each frame's
// cell.
void TrajectoryReader::Impl::unwrap_minimum_image(double *r, std::size_t p,
                                                  const CellMatrix &inverse) {
  double s[3];
  if (frame_.fractional)
    std::copy_n(r, 3, s);
  else
    to_fractional(frame_, inverse, r, s);
  if (previous_fraction_.empty()) {
    previous_fraction_.resize(ids_.size() * 3);
    unwrapped_fraction_.resize(ids_.size() * 3);
  }
  double *prev = &previous_fraction_[p * 3], *u = &unwrapped_fraction_[p * 3];
  for (int k = 0; k < 3; ++k) {
    if (frames_read_ == 0) {
      u[k] = s[k];
    } else {
      double d = s[k] - prev[k];
      if (frame_.periodic[std::size_t(k)])
        d -= std::round(d);
      if (std::abs(d) > options_.max_unwrap_fraction)
        throw InputError(fmt::format(
            "{}: {}: particle id {} moved {:.3f} of the cell along lattice vector {} since the "
            "previous frame (more than max_unwrap_fraction = {}; near half the cell the minimum "
            "image is ambiguous): cannot unwrap; write image flags or unwrapped coordinates, or "
            "store frames more often",
            path_, frame_name(frames_read_, frame_.step), ids_[p], d, "abc"[k],
            options_.max_unwrap_fraction));
      u[k] += d;
    }
    prev[k] = s[k];
  }
  to_cartesian(frame_, u, r);
}

void TrajectoryReader::Impl::append_time(TrajectoryChunk &chunk) {
  const std::int64_t step = frame_.step;
  double t = 0;
  if (frame_.time_ps)
    t = *frame_.time_ps;
  else if (step >= 0 && options_.timestep_ps > 0)
    t = double(step) * options_.timestep_ps;
  else if (options_.frame_interval_ps > 0)
    t = double(frames_read_) * options_.frame_interval_ps;
  else
    throw InputError(fmt::format("{}: the trajectory has no frame times: give timestep_ps "
                                 "(time = step × timestep_ps) or frame_interval_ps",
                                 path_));
  const std::string where = fmt::format("{}: {}", path_, frame_name(frames_read_, step));
  if (frames_read_ > 0) {
    if (step >= 0 && last_step_ >= 0) {
      const std::int64_t ds = step - last_step_;
      if (ds <= 0)
        throw InputError(
            fmt::format("{}: steps do not increase ({} after {})", where, step, last_step_));
      if (frames_read_ > 1 && ds != step_spacing_)
        throw InputError(fmt::format("{}: uneven frame spacing: {} steps after {} steps "
                                     "(steps {} → {})",
                                     where, ds, step_spacing_, last_step_, step));
      step_spacing_ = ds;
    }
    const double dt = t - last_time_;
    if (!(dt > 0))
      throw InputError(fmt::format("{}: times do not increase ({:.9g} ps after {:.9g} ps)", where,
                                   t, last_time_));
    if (frames_read_ > 1 && std::abs(dt - time_spacing_) > 1e-6 * time_spacing_ + 1e-12)
      throw InputError(fmt::format(
          "{}: uneven frame spacing: {:.6g} ps after {:.6g} ps (times {:.9g} → {:.9g} ps)", where,
          dt, time_spacing_, last_time_, t));
    time_spacing_ = dt;
  }
  last_step_ = step;
  last_time_ = t;
  chunk.times_ps.push_back(t);
  chunk.steps.push_back(step);
}

TrajectoryReader::TrajectoryReader(std::unique_ptr<FrameSource> source,
                                   const TrajectoryOptions &options)
    : impl_(std::make_unique<Impl>(std::move(source), options)) {}
TrajectoryReader::~TrajectoryReader() = default;
TrajectoryReader::TrajectoryReader(TrajectoryReader &&) noexcept = default;
TrajectoryReader &TrajectoryReader::operator=(TrajectoryReader &&) noexcept = default;

const std::string &TrajectoryReader::path() const {
  return impl_->path_;
}
const std::string &TrajectoryReader::format() const {
  return impl_->format_;
}
std::int64_t TrajectoryReader::particles() const {
  return std::int64_t(impl_->ids_.size());
}
const std::vector<std::int64_t> &TrajectoryReader::ids() const {
  return impl_->ids_;
}
const std::vector<std::string> &TrajectoryReader::species() const {
  return impl_->species_;
}
const std::vector<std::int64_t> &TrajectoryReader::types() const {
  return impl_->types_;
}
bool TrajectoryReader::periodic() const {
  return impl_->periodic_;
}
std::int64_t TrajectoryReader::frames_read() const {
  return impl_->frames_read_;
}
TrajectoryChunk TrajectoryReader::read_chunk(std::int64_t max_frames) {
  return impl_->read_chunk(max_frames);
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The format by extension, then by content (HDF5 signature, LAMMPS ITEM lines, extxyz keys).
std::string detect_format(const std::string &path) {
  std::string name = lower(std::filesystem::path(path).filename().string());
  if (name.size() > 3 && name.ends_with(".gz"))
    name.resize(name.size() - 3);
  const std::string ext = std::filesystem::path(name).extension().string();
  if (ext == ".h5" || ext == ".h5md" || ext == ".hdf5")
    return "h5md";
  if (ext == ".xyz" || ext == ".extxyz")
    return "extxyz";
  if (name.find("xdatcar") != std::string::npos)
    return "xdatcar";
  if (ext == ".lammpstrj" || ext == ".dump")
    return "lammps-dump";
  char signature[8] = {};
  std::ifstream(path, std::ios::binary).read(signature, 8);
  if (std::string_view(signature, 8) == std::string_view("\x89HDF\r\n\x1a\n", 8))
    return "h5md";
  TextInput text(path);
  std::string_view line;
  if (text.next_line(line) && line.starts_with("ITEM:"))
    return "lammps-dump";
  if (parse_int(Tokens(line).rest()) && text.next_line(line) &&
      (line.find("Lattice=") != std::string_view::npos ||
       line.find("Properties=") != std::string_view::npos))
    return "extxyz";
  throw InputError(fmt::format("{}: cannot tell the trajectory format; give format = \"h5md\" | "
                               "\"lammps-dump\" | \"extxyz\" | \"xdatcar\"",
                               path));
}

} // namespace

TrajectoryReader open_trajectory(const std::string &path, const TrajectoryOptions &options) {
  const std::string format = options.format == "auto" ? detect_format(path) : options.format;
  if (format == "h5md")
    return TrajectoryReader(open_h5md(path, options), options);
  if (format == "lammps-dump")
    return TrajectoryReader(open_lammps_dump(path), options);
  if (format == "extxyz")
    return TrajectoryReader(open_extxyz(path), options);
  if (format == "xdatcar")
    return TrajectoryReader(open_xdatcar(path), options);
  throw InputError(fmt::format("{}: unknown trajectory format '{}' (auto | h5md | lammps-dump | "
                               "extxyz | xdatcar)",
                               path, options.format));
}

} // namespace ionbath::io

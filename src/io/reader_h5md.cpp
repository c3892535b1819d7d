// H5MD 1.1 trajectories: /particles/<group>/position/{value [frames × N × 3], step, time},
// box (attributes dimension, boundary; edges fixed [3] | [3×3] or per frame), image/value,
// species and id (fixed [N] or per frame). Written by ionbath (boundary none: unwrapped),
// LAMMPS `dump h5md` (group "all", wrapped positions, image flags) and MDAnalysis ("trajectory",
// edges [frames × 3 × 3]). Units from the `unit` attributes (Å, nm; ps, fs, ns).
#include "trajectory_source.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/io/hdf5.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>

namespace ionbath::io {

namespace {

// What H5Input does not offer yet: rows [first, first + count) of a dataset whose leading
// dimension is the frame, member names of a group, string-array attributes. Kept to these three
// calls until H5Input grows them (then this file drops <hdf5.h>).
class RowReader {
public:
  explicit RowReader(const std::string &path) : path_(path) {
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ < 0)
      throw Hdf5Error(fmt::format("HDF5: cannot open '{}'", path));
  }
  ~RowReader() { H5Fclose(file_); }
  RowReader(const RowReader &) = delete;
  RowReader &operator=(const RowReader &) = delete;

  template <class T>
  void read(const std::string &dataset, std::int64_t first, std::int64_t count, T *out) const {
    const hid_t ds = H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT);
    const hid_t space = ds < 0 ? -1 : H5Dget_space(ds);
    hsize_t dims[8] = {};
    const int rank = space < 0 ? -1 : H5Sget_simple_extent_dims(space, dims, nullptr);
    herr_t rc = rank < 1 || rank > 8 ? -1 : 0;
    hsize_t start[8] = {}, block[8] = {};
    std::copy_n(dims, std::max(rank, 0), block);
    start[0] = hsize_t(first);
    block[0] = hsize_t(count);
    const hid_t memory = rc < 0 ? -1 : H5Screate_simple(rank, block, nullptr);
    if (rc >= 0)
      rc = H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, block, nullptr);
    const hid_t type = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    if (rc >= 0)
      rc = H5Dread(ds, type, memory, space, H5P_DEFAULT, out);
    for (const auto &[id, close] :
         {std::pair{memory, &H5Sclose}, std::pair{space, &H5Sclose}, std::pair{ds, &H5Dclose}})
      if (id >= 0)
        close(id);
    if (rc < 0)
      throw Hdf5Error(fmt::format("HDF5: reading rows {}..{} of '{}' in '{}' failed", first,
                                  first + count, dataset, path_));
  }

  std::vector<std::string> members(const std::string &group) const {
    std::vector<std::string> names;
    H5Literate_by_name(
        file_, group.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char *name, const H5L_info_t *, void *out) -> herr_t {
          static_cast<std::vector<std::string> *>(out)->emplace_back(name);
          return 0;
        },
        &names, H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    return names;
  }

  // A string or string-array attribute (fixed or variable length); empty if it cannot be read.
  std::vector<std::string> strings(const std::string &object, const char *name) const {
    std::vector<std::string> out;
    const hid_t a = H5Aopen_by_name(file_, object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t type = a < 0 ? -1 : H5Aget_type(a);
    const hid_t space = a < 0 ? -1 : H5Aget_space(a);
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
      const auto n = std::size_t(H5Sget_simple_extent_npoints(space));
      const hid_t memory = H5Tcopy(type);
      if (H5Tis_variable_str(type) > 0) {
        std::vector<char *> text(n);
        if (H5Aread(a, memory, text.data()) >= 0)
          for (char *t : text)
            out.emplace_back(t ? t : "");
        H5Dvlen_reclaim(memory, space, H5P_DEFAULT, text.data());
      } else {
        const std::size_t size = H5Tget_size(type);
        std::vector<char> text(n * size);
        if (H5Aread(a, memory, text.data()) >= 0)
          for (std::size_t k = 0; k < n; ++k) {
            std::string s(text.data() + k * size, size);
            out.push_back(s.substr(0, s.find('\0')));
          }
      }
      H5Tclose(memory);
    }
    for (const auto &[id, close] :
         {std::pair{space, &H5Sclose}, std::pair{type, &H5Tclose}, std::pair{a, &H5Aclose}})
      if (id >= 0)
        close(id);
    H5Eclear2(H5E_DEFAULT);
    return out;
  }

private:
  std::string path_;
  hid_t file_ = -1;
};

double length_scale(const std::string &unit, const std::string &where) {
  if (unit.empty() || unit == "Angstrom" || unit == "angstrom" || unit == "A" || unit == "Å")
    return 1.0;
  if (unit == "nm")
    return 10.0;
  if (unit == "pm")
    return 0.01;
  throw InputError(fmt::format("{}: unknown length unit '{}'", where, unit));
}

double time_scale(const std::string &unit, const std::string &where) {
  if (unit.empty() || unit == "ps")
    return 1.0;
  if (unit == "fs")
    return 1e-3;
  if (unit == "ns")
    return 1e3;
  throw InputError(fmt::format("{}: unknown time unit '{}'", where, unit));
}

// A per-frame quantity (step or time): a [frames] dataset, or a scalar interval with `offset`.
struct FrameSeries {
  std::string dataset; // empty: absent
  bool fixed = false;
  double interval = 0, offset = 0, scale = 1;
};

class H5md final : public FrameSource {
public:
  H5md(const std::string &path, const TrajectoryOptions &options);
  const std::string &path() const override { return in_.path(); }
  const char *format() const override { return "h5md"; }
  bool next(RawFrame &frame, bool first) override;

private:
  std::string choose_group(const std::string &requested) const;
  FrameSeries series(const std::string &group, const char *name, bool is_time) const;
  void read_box();
  void read_particles(RawFrame &frame) const;
  void load_block(std::int64_t first);
  std::string unit(const std::string &object) const {
    return in_.has_attribute(object, "unit") ? in_.read_attribute_string(object, "unit") : "";
  }

  H5Input in_;
  RowReader rows_;
  std::string group_; // /particles/<name>
  std::int64_t frames_ = 0, atoms_ = 0, frame_ = 0;
  double length_ = 1;
  FrameSeries step_, time_;
  std::array<bool, 3> periodic_{};
  std::string edges_; // dataset of the fixed edges or of the per-frame edges
  bool edges_per_frame_ = false, edges_matrix_ = false;
  CellMatrix fixed_cell_{};
  bool images_ = false;
  // The block of frames in memory.
  std::int64_t block_first_ = 0, block_frames_ = 0;
  std::vector<double> positions_, edges_block_, times_;
  std::vector<std::int64_t> images_block_, steps_;
};

std::string H5md::choose_group(const std::string &requested) const {
  if (!requested.empty()) {
    const std::string g = "/particles/" + requested;
    if (!in_.exists(g + "/position/value"))
      throw InputError(
          fmt::format("{}: no {}/position/value (h5md_group = '{}')", path(), g, requested));
    return g;
  }
  std::vector<std::string> groups;
  if (in_.exists("/particles"))
    for (const auto &name : rows_.members("/particles"))
      if (in_.exists("/particles/" + name + "/position/value"))
        groups.push_back(name);
  if (groups.size() != 1)
    throw InputError(fmt::format("{}: {} particle groups with positions ({}): give h5md_group",
                                 path(), groups.size(), fmt::join(groups, ", ")));
  return "/particles/" + groups.front();
}

FrameSeries H5md::series(const std::string &group, const char *name, bool is_time) const {
  FrameSeries s;
  const std::string ds = group + "/" + name;
  if (!in_.exists(ds))
    return s;
  s.dataset = ds;
  if (is_time)
    s.scale = time_scale(unit(ds), fmt::format("{}: {}", path(), ds));
  if (in_.shape(ds).empty()) { // fixed interval
    s.fixed = true;
    s.interval = in_.read_double(ds).values.at(0);
    if (in_.has_attribute(ds, "offset"))
      s.offset = in_.read_attribute_double(ds, "offset");
  } else if (in_.shape(ds)[0] != frames_) {
    throw InputError(fmt::format("{}: {} has {} rows, position/value has {} frames", path(), ds,
                                 in_.shape(ds)[0], frames_));
  }
  return s;
}

H5md::H5md(const std::string &path, const TrajectoryOptions &options)
    : in_(path), rows_(path), group_(choose_group(options.h5md_group)) {
  const std::string value = group_ + "/position/value";
  const Shape shape = in_.shape(value);
  if (shape.size() != 3 || shape[2] != 3)
    throw InputError(fmt::format("{}: {} is not [frames × particles × 3]", path, value));
  frames_ = shape[0];
  atoms_ = shape[1];
  length_ = length_scale(unit(value), fmt::format("{}: {}", path, value));
  step_ = series(group_ + "/position", "step", false);
  time_ = series(group_ + "/position", "time", true);
  images_ = in_.exists(group_ + "/image/value");
  read_box();
}

void H5md::read_box() {
  const std::string box = group_ + "/box";
  const auto boundary = rows_.strings(box, "boundary");
  for (std::size_t k = 0; k < 3; ++k)
    periodic_[k] = k < boundary.size() && boundary[k] == "periodic";
  const bool periodic = periodic_[0] || periodic_[1] || periodic_[2];
  const std::string edges = box + "/edges";
  if (!in_.exists(edges)) {
    if (periodic)
      throw InputError(fmt::format("{}: {} is periodic but has no edges", path(), box));
    return;
  }
  edges_per_frame_ = in_.exists(edges + "/value");
  edges_ = edges_per_frame_ ? edges + "/value" : edges;
  const Shape shape = in_.shape(edges_);
  const std::size_t per = shape.size() - (edges_per_frame_ ? 1 : 0);
  edges_matrix_ = per == 2;
  if ((per != 1 && per != 2) || shape.back() != 3 || (edges_per_frame_ && shape.front() != frames_))
    throw InputError(fmt::format("{}: {} is neither [3] nor [3 × 3] per frame ({} frames)", path(),
                                 edges_, frames_));
  if (!edges_per_frame_) {
    const auto e = in_.read_double(edges_).values;
    fixed_cell_ = {};
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 3; ++j)
        fixed_cell_[std::size_t(3 * k + j)] =
            edges_matrix_ ? e[std::size_t(3 * k + j)] : (k == j ? e[std::size_t(k)] : 0.0);
  }
}

// Species numbers and ids: fixed [N] datasets or the first row of per-frame ones.
void H5md::read_particles(RawFrame &frame) const {
  for (const auto &[name, out] : {std::pair{"species", &frame.type}, std::pair{"id", &frame.id}}) {
    const std::string ds = group_ + "/" + name;
    out->clear();
    if (in_.exists(ds + "/value")) {
      out->resize(std::size_t(atoms_));
      rows_.read(ds + "/value", 0, 1, out->data());
    } else if (in_.exists(ds)) {
      *out = in_.read_int64(ds).values;
    }
    if (!out->empty() && std::int64_t(out->size()) != atoms_)
      throw InputError(
          fmt::format("{}: {} has {} entries for {} particles", path(), ds, out->size(), atoms_));
  }
  frame.label.clear();
  if (frame.type.empty()) { // no species: the group name
    frame.label.assign(std::size_t(atoms_), group_.substr(group_.rfind('/') + 1));
    return;
  }
  // ionbath's species numbers index the `labels` attribute (other writers give numbers only).
  const std::string species = group_ + "/species";
  if (!in_.exists(species) || !in_.has_attribute(species, "labels"))
    return;
  const auto labels = rows_.strings(species, "labels");
  for (const auto t : frame.type) {
    if (t < 0 || t >= std::int64_t(labels.size()))
      throw InputError(fmt::format("{}: species number {} has no entry in {} labels ({})", path(),
                                   t, species, labels.size()));
    frame.label.push_back(labels[std::size_t(t)]);
  }
}

void H5md::load_block(std::int64_t first) {
  const std::int64_t per_frame = std::max<std::int64_t>(atoms_ * 3, 1);
  const std::int64_t block = std::clamp<std::int64_t>((std::int64_t(1) << 21) / per_frame, 1, 4096);
  block_first_ = first;
  block_frames_ = std::min(block, frames_ - first);
  positions_.resize(std::size_t(block_frames_ * atoms_ * 3));
  rows_.read(group_ + "/position/value", first, block_frames_, positions_.data());
  if (images_) {
    images_block_.resize(positions_.size());
    rows_.read(group_ + "/image/value", first, block_frames_, images_block_.data());
  }
  if (edges_per_frame_) {
    edges_block_.resize(std::size_t(block_frames_ * (edges_matrix_ ? 9 : 3)));
    rows_.read(edges_, first, block_frames_, edges_block_.data());
  }
  steps_.resize(std::size_t(block_frames_));
  times_.resize(std::size_t(block_frames_));
  if (!step_.dataset.empty() && !step_.fixed)
    rows_.read(step_.dataset, first, block_frames_, steps_.data());
  if (!time_.dataset.empty() && !time_.fixed)
    rows_.read(time_.dataset, first, block_frames_, times_.data());
}

bool H5md::next(RawFrame &frame, bool first) {
  if (frame_ >= frames_)
    return false;
  if (frame_ < block_first_ || frame_ >= block_first_ + block_frames_ || block_frames_ == 0)
    load_block(frame_);
  if (first)
    read_particles(frame);
  const auto k = std::size_t(frame_ - block_first_), n = std::size_t(atoms_);
  frame.xyz.assign(positions_.begin() + k * n * 3, positions_.begin() + (k + 1) * n * 3);
  for (auto &x : frame.xyz)
    x *= length_;
  frame.image.assign(images_ ? images_block_.begin() + k * n * 3 : images_block_.end(),
                     images_ ? images_block_.begin() + (k + 1) * n * 3 : images_block_.end());
  frame.step = step_.dataset.empty() ? -1
               : step_.fixed         ? std::int64_t(step_.offset + double(frame_) * step_.interval)
                                     : steps_[k];
  if (time_.dataset.empty())
    frame.time_ps.reset();
  else
    frame.time_ps =
        time_.scale * (time_.fixed ? time_.offset + double(frame_) * time_.interval : times_[k]);
  frame.periodic = periodic_;
  frame.has_cell = !edges_.empty();
  frame.cell = fixed_cell_;
  if (edges_per_frame_)
    for (int r = 0; r < 3; ++r)
      for (int j = 0; j < 3; ++j)
        frame.cell[std::size_t(3 * r + j)] =
            edges_matrix_ ? edges_block_[k * 9 + std::size_t(3 * r + j)]
                          : (r == j ? edges_block_[k * 3 + std::size_t(r)] : 0.0);
  for (auto &x : frame.cell)
    x *= length_;
  frame.origin = {0, 0, 0};
  frame.unwrapped = !frame.has_cell || !(periodic_[0] || periodic_[1] || periodic_[2]);
  ++frame_;
  return true;
}

} // namespace

std::unique_ptr<FrameSource> open_h5md(const std::string &path, const TrajectoryOptions &options) {
  return std::make_unique<H5md>(path, options);
}

} // namespace ionbath::io

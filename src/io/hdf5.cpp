// HDF5 output and input over the C API. <hdf5.h> of the parallel build includes <mpi.h>; the MPI
// communicator is taken from parallel::Communicator::native_handle() for the MPI-IO driver only.
#include "ionbath/io/hdf5.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/parallel/fail_together.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <numeric>

namespace ionbath::io {

namespace {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Id {
public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(Id &&other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = H5I_INVALID_HID; }
  Id &operator=(Id &&other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      close_ = other.close_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Id(const Id &) = delete;
  Id &operator=(const Id &) = delete;
  ~Id() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  herr_t reset() {
    herr_t rc = 0;
    if (id_ >= 0 && close_)
      rc = close_(id_);
    id_ = H5I_INVALID_HID;
    return rc;
  }
  // Forget the identifier without closing it.
  void release() { id_ = H5I_INVALID_HID; }

private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

void silence_hdf5_errors() {
  // Errors become exceptions (with the stack's description), not prints to stderr.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

// The innermost description on HDF5's error stack, then clear it.
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t *e, void *out) -> herr_t {
        auto &text = *static_cast<std::string *>(out);
        text = fmt::format("{}: {}", e->func_name ? e->func_name : "?", e->desc ? e->desc : "?");
        return 0;
      },
      &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason.empty() ? "no detail from HDF5" : reason;
}

[[noreturn]] void fail(std::string_view file, std::string_view object, std::string_view what) {
  throw Hdf5Error(
      fmt::format("HDF5: {} '{}' in '{}' failed ({})", what, object, file, hdf5_reason()));
}

Id checked(hid_t id, herr_t (*close)(hid_t), std::string_view file, std::string_view object,
           std::string_view what) {
  if (id < 0)
    fail(file, object, what);
  return Id(id, close);
}

void checked(herr_t rc, std::string_view file, std::string_view object, std::string_view what) {
  if (rc < 0)
    fail(file, object, what);
}

bool link_exists(hid_t file, std::string_view path) {
  if (path.empty() || path == "/")
    return true;
  std::size_t pos = path[0] == '/' ? 1 : 0;
  while (pos <= path.size()) {
    const auto next = path.find('/', pos);
    const auto prefix = std::string(path.substr(0, next));
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (next == std::string_view::npos)
      break;
    pos = next + 1;
  }
  return true;
}

template <class T> hid_t memory_type();
template <> hid_t memory_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <> hid_t memory_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <class T> hid_t file_type();
template <> hid_t file_type<double>() {
  return H5T_IEEE_F64LE;
}
template <> hid_t file_type<std::int64_t>() {
  return H5T_STD_I64LE;
}

std::vector<hsize_t> to_hsize(const Shape &shape) {
  return {shape.begin(), shape.end()};
}

std::int64_t elements(const Shape &shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

Id string_type(std::size_t length) {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<std::size_t>(length, 1));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

void check_unit(std::string_view object, std::string_view unit) {
  if (unit.empty())
    throw std::invalid_argument(fmt::format(
        "HDF5 dataset '{}': a unit is required (\"1\" for dimensionless data)", object));
}

} // namespace

// ------------------------------------------------------------------------------------------------
class H5Output::Impl {
public:
  Impl(std::string path, parallel::Communicator comm, H5Output::Mode mode)
      : path_(std::move(path)), tmp_(path_ + ".tmp"), comm_(std::move(comm)),
        mpi_(comm_.native_handle() != nullptr), uncaught_(std::uncaught_exceptions()) {
    silence_hdf5_errors();
    std::string problem;
    if (comm_.is_root()) {
      const auto parent = std::filesystem::path(path_).parent_path();
      std::error_code ec;
      if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        problem = fmt::format("cannot create output file '{}': directory '{}' does not exist",
                              path_, parent.string());
    }
    parallel::fail_together<InputError>(comm_, std::move(problem));
    Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (mpi_)
      checked(H5Pset_fapl_mpio(fapl.get(), *static_cast<const MPI_Comm *>(comm_.native_handle()),
                               MPI_INFO_NULL),
              tmp_, "/", "selecting the MPI-IO driver for");
    const bool reopen = mode == H5Output::Mode::resume && std::filesystem::exists(tmp_);
    if (reopen)
      file_ = checked(H5Fopen(tmp_.c_str(), H5F_ACC_RDWR, fapl.get()), H5Fclose, tmp_, "/",
                      "reopening file");
    else
      file_ = checked(H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose,
                      tmp_, "/", "creating file");
    lcpl_ = Id(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl_.get(), 1);
    dxpl_ = Id(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
    if (mpi_)
      H5Pset_dxpl_mpio(dxpl_.get(), H5FD_MPIO_COLLECTIVE);
  }

  ~Impl() {
    if (committed_ || suspended_)
      return;
    const bool unwinding = std::uncaught_exceptions() > uncaught_;
    if (mpi_ && unwinding)
      file_.release(); // a collective close could wait forever for ranks that did not fail
    else
      file_.reset();
    if (comm_.is_root() || unwinding)
      std::remove(tmp_.c_str());
  }

  const std::string &path() const { return path_; }
  const std::string &tmp() const { return tmp_; }
  bool committed() const { return committed_; }

  // Every rank learns whether any rank's arguments were inconsistent, and all throw together.
  void collective_check(bool bad, std::string_view object, std::string_view problem) const {
    if (comm_.any(bad))
      throw std::invalid_argument(
          fmt::format("HDF5 '{}' in '{}': {}", object, path_,
                      bad ? problem : std::string_view("invalid arguments on another rank")));
  }

  void create_group(std::string_view group) {
    require_open(group);
    if (link_exists(file_.get(), group))
      return;
    const std::string name(group);
    checked(H5Gcreate2(file_.get(), name.c_str(), lcpl_.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
            tmp_, name, "creating group");
  }

  template <class Write>
  void attribute(std::string_view object, std::string_view name, hid_t type, hid_t space,
                 Write write) {
    create_group_if_missing(object);
    const std::string target(object), attr(name);
    const auto where = fmt::format("{}@{}", target, attr);
    const auto obj = checked(H5Oopen(file_.get(), target.c_str(), H5P_DEFAULT), H5Oclose, tmp_,
                             target, "opening object");
    if (H5Aexists(obj.get(), attr.c_str()) > 0)
      checked(H5Adelete(obj.get(), attr.c_str()), tmp_, where, "replacing attribute");
    const auto a =
        checked(H5Acreate2(obj.get(), attr.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose, tmp_, where, "creating attribute");
    checked(write(a.get()), tmp_, where, "writing attribute");
  }

  template <class T>
  void numeric_attribute(std::string_view object, std::string_view name, std::span<const T> v,
                         bool scalar) {
    const hsize_t n = v.size();
    const Id space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose);
    attribute(object, name, file_type<T>(), space.get(),
              [&](hid_t a) { return H5Awrite(a, memory_type<T>(), v.data()); });
  }

  void string_attribute(std::string_view object, std::string_view name, std::string_view value) {
    const auto type = text_type(value.size());
    const Id space(H5Screate(H5S_SCALAR), H5Sclose);
    std::string padded(std::max<std::size_t>(value.size(), 1), '\0');
    std::copy(value.begin(), value.end(), padded.begin());
    if (!mpi_)
      padded = std::string(value);
    attribute(object, name, type.get(), space.get(),
              [&](hid_t a) { return write_text(a, type.get(), padded); });
  }

  void string_array_attribute(std::string_view object, std::string_view name,
                              std::span<const std::string> values) {
    std::size_t width = 1;
    for (const auto &v : values)
      width = std::max(width, v.size());
    const auto type = text_type(width);
    const hsize_t n = values.size();
    const Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    if (!mpi_) {
      std::vector<const char *> pointers;
      for (const auto &v : values)
        pointers.push_back(v.c_str());
      attribute(object, name, type.get(), space.get(),
                [&](hid_t a) { return H5Awrite(a, type.get(), pointers.data()); });
      return;
    }
    std::string packed(width * values.size(), '\0');
    for (std::size_t i = 0; i < values.size(); ++i)
      std::copy(values[i].begin(), values[i].end(), packed.begin() + std::ptrdiff_t(i * width));
    attribute(object, name, type.get(), space.get(),
              [&](hid_t a) { return H5Awrite(a, type.get(), packed.data()); });
  }

  // A new dataset with the given file type and dataspace (and creation properties).
  Id create_dataset(std::string_view dataset, hid_t type, hid_t space, hid_t dcpl = H5P_DEFAULT) {
    require_open(dataset);
    const std::string name(dataset);
    if (link_exists(file_.get(), name))
      throw Hdf5Error(fmt::format("HDF5: dataset '{}' in '{}' already exists", name, tmp_));
    return checked(
        H5Dcreate2(file_.get(), name.c_str(), type, space, lcpl_.get(), dcpl, H5P_DEFAULT),
        H5Dclose, tmp_, name, "creating dataset");
  }

  Id open_dataset(std::string_view dataset) const {
    require_open(dataset);
    const std::string name(dataset);
    return checked(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose, tmp_, name,
                   "opening dataset");
  }

  // Text attributes are variable-length UTF-8 strings in serial files (what h5py and H5MD
  // readers such as MDAnalysis expect) and fixed-length ones under MPI-IO.
  Id text_type(std::size_t length) const {
    if (mpi_)
      return string_type(length);
    Id type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    return type;
  }
  herr_t write_text(hid_t attribute, hid_t type, const std::string &text) const {
    if (!mpi_) {
      const char *p = text.c_str();
      return H5Awrite(attribute, type, &p);
    }
    return H5Awrite(attribute, type, text.data());
  }

  void unit_attribute(hid_t dataset, std::string_view object, std::string_view unit) {
    const auto type = text_type(unit.size());
    const Id space(H5Screate(H5S_SCALAR), H5Sclose);
    const auto a =
        checked(H5Acreate2(dataset, "unit", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose, tmp_, fmt::format("{}@unit", object), "creating attribute");
    const std::string text(unit);
    checked(write_text(a.get(), type.get(), text), tmp_, object, "writing unit of");
  }

  // Collective H5Dwrite of `count` elements from `data` at the file selection already made in
  // `file_space` (none selected when count is 0).
  void write_selection(hid_t dataset, hid_t mem_type, hid_t file_space, const void *data,
                       hsize_t count, std::string_view object) const {
    const hsize_t mem_n = std::max<hsize_t>(count, 1);
    const Id mem_space(H5Screate_simple(1, &mem_n, nullptr), H5Sclose);
    if (count == 0) {
      H5Sselect_none(mem_space.get());
      H5Sselect_none(file_space);
    }
    checked(H5Dwrite(dataset, mem_type, mem_space.get(), file_space, dxpl_.get(), data), tmp_,
            object, "writing dataset");
  }

  template <class T>
  void root_write(std::string_view dataset, std::span<const T> data, Shape shape,
                  std::string_view unit) {
    check_unit(dataset, unit);
    std::vector<std::int64_t> rank_and_shape{std::int64_t(shape.size())};
    comm_.broadcast(rank_and_shape);
    shape.resize(std::size_t(rank_and_shape[0]));
    comm_.broadcast(shape);
    collective_check(
        comm_.is_root() && elements(shape) != std::int64_t(data.size()), dataset,
        fmt::format("{} values do not fill the shape [{}]", data.size(), fmt::join(shape, ", ")));
    const auto dims = to_hsize(shape);
    const Id space(shape.empty() ? H5Screate(H5S_SCALAR)
                                 : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                   H5Sclose);
    const auto ds = create_dataset(dataset, file_type<T>(), space.get());
    unit_attribute(ds.get(), dataset, unit);
    const auto n = hsize_t(elements(shape));
    if (n > 0)
      write_selection(ds.get(), memory_type<T>(), space.get(), data.data(), comm_.is_root() ? n : 0,
                      dataset);
  }

  void write_string(std::string_view dataset, std::string_view text) {
    std::string value(text);
    comm_.broadcast(value);
    const auto type = string_type(value.size());
    const Id space(H5Screate(H5S_SCALAR), H5Sclose);
    const auto ds = create_dataset(dataset, type.get(), space.get());
    value.resize(std::max<std::size_t>(value.size(), 1), '\0');
    const Id mem_space(H5Screate(H5S_SCALAR), H5Sclose);
    if (!comm_.is_root()) {
      H5Sselect_none(mem_space.get());
      H5Sselect_none(space.get());
    }
    checked(H5Dwrite(ds.get(), type.get(), mem_space.get(), space.get(), dxpl_.get(), value.data()),
            tmp_, dataset, "writing dataset");
  }

  // Each rank writes the rows `my_rows` (strictly ascending) of a [total_rows × cols] dataset.
  void write_row_set(std::string_view dataset, std::span<const std::int64_t> my_rows,
                     std::span<const double> local, std::int64_t total_rows, std::int64_t cols,
                     std::string_view unit) {
    check_unit(dataset, unit);
    bool ok = cols >= 1 && total_rows >= 0 &&
              std::int64_t(local.size()) == std::int64_t(my_rows.size()) * cols;
    for (std::size_t i = 0; i < my_rows.size(); ++i)
      ok = ok && my_rows[i] >= 0 && my_rows[i] < total_rows &&
           (i == 0 || my_rows[i] > my_rows[i - 1]);
    collective_check(!ok, dataset,
                     fmt::format("{} rows ({} values, {} columns) do not form an ascending row "
                                 "set of {} rows",
                                 my_rows.size(), local.size(), cols, total_rows));
    write_matrix(dataset, local, total_rows, cols, unit, [&](hid_t space) {
      H5Sselect_none(space);
      for (const auto row : my_rows) {
        const std::vector<hsize_t> start{hsize_t(row), 0}, count{1, hsize_t(cols)};
        H5Sselect_hyperslab(space, H5S_SELECT_OR, start.data(), nullptr, count.data(), nullptr);
      }
    });
  }

  template <class T>
  void write_rows(std::string_view dataset, std::span<const T> local, std::int64_t first_row,
                  std::int64_t total_rows, std::int64_t cols, std::string_view unit) {
    check_unit(dataset, unit);
    const bool shape_ok = cols >= 1 && total_rows >= 0 && std::int64_t(local.size()) % cols == 0;
    const std::int64_t rows = shape_ok ? std::int64_t(local.size()) / cols : 0;
    collective_check(!shape_ok || first_row < 0 || first_row + rows > total_rows, dataset,
                     fmt::format("rows [{}, {}) of {} values in {} columns do not fit in {} rows",
                                 first_row, first_row + rows, local.size(), cols, total_rows));
    write_matrix(dataset, local, total_rows, cols, unit, [&](hid_t space) {
      if (rows > 0) {
        const std::vector<hsize_t> start{hsize_t(first_row), 0},
            count{hsize_t(rows), hsize_t(cols)};
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
      }
    });
  }

  // Creates the [total_rows × cols] dataset with its unit and writes this rank's values `local`
  // into the rows `select_rows` marks in the file space (collective).
  template <class T, class Select>
  void write_matrix(std::string_view dataset, std::span<const T> local, std::int64_t total_rows,
                    std::int64_t cols, std::string_view unit, Select &&select_rows) {
    const std::vector<hsize_t> dims{hsize_t(total_rows), hsize_t(cols)};
    const Id space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose);
    const auto ds = create_dataset(dataset, file_type<T>(), space.get());
    unit_attribute(ds.get(), dataset, unit);
    if (total_rows == 0)
      return;
    select_rows(space.get());
    write_selection(ds.get(), memory_type<T>(), space.get(), local.data(), hsize_t(local.size()),
                    dataset);
  }

  template <class T>
  void create_extendible(std::string_view dataset, const Shape &row_shape, std::string_view unit,
                         std::int64_t chunk_rows) {
    check_unit(dataset, unit);
    bool bad = chunk_rows < 1;
    for (auto d : row_shape)
      bad = bad || d < 1;
    collective_check(
        bad, dataset,
        fmt::format("needs row dimensions >= 1 and chunk_rows >= 1, got chunk {}", chunk_rows));
    std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED}, chunk{hsize_t(chunk_rows)};
    for (auto d : row_shape) {
      dims.push_back(hsize_t(d));
      max_dims.push_back(hsize_t(d));
      chunk.push_back(hsize_t(d));
    }
    const Id space(H5Screate_simple(int(dims.size()), dims.data(), max_dims.data()), H5Sclose);
    const Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    checked(H5Pset_chunk(dcpl.get(), int(chunk.size()), chunk.data()), tmp_, dataset,
            "chunking dataset");
    const auto ds = create_dataset(dataset, file_type<T>(), space.get(), dcpl.get());
    unit_attribute(ds.get(), dataset, unit);
  }

  // Dimensions of an extendible dataset (rows first).
  std::vector<hsize_t> extendible_dims(hid_t ds, std::string_view dataset) {
    const Id space(H5Dget_space(ds), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    collective_check(rank < 1, dataset, "is not an extendible dataset");
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 1)));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
  }

  template <class T> std::int64_t append_rows(std::string_view dataset, std::span<const T> local) {
    const auto ds = open_dataset(dataset);
    auto dims = extendible_dims(ds.get(), dataset);
    std::int64_t cols = 1;
    for (std::size_t i = 1; i < dims.size(); ++i)
      cols *= std::int64_t(dims[i]);
    collective_check(std::int64_t(local.size()) % cols != 0, dataset,
                     fmt::format("{} values are not whole rows of {} values", local.size(), cols));
    const double mine = double(std::int64_t(local.size()) / cols);
    const auto counts = comm_.allgatherv(std::span<const double>(&mine, 1));
    const auto before = std::accumulate(counts.begin(), counts.begin() + comm_.rank(), 0.0);
    const auto added = std::accumulate(counts.begin(), counts.end(), 0.0);
    const auto old_rows = std::int64_t(dims[0]);
    if (added == 0)
      return old_rows;
    dims[0] = hsize_t(old_rows + std::int64_t(added));
    checked(H5Dset_extent(ds.get(), dims.data()), tmp_, dataset, "extending dataset");
    const Id space(H5Dget_space(ds.get()), H5Sclose);
    if (mine > 0) {
      std::vector<hsize_t> start(dims.size(), 0), count(dims);
      start[0] = hsize_t(old_rows + std::int64_t(before));
      count[0] = hsize_t(mine);
      H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr);
    }
    write_selection(ds.get(), memory_type<T>(), space.get(), local.data(), hsize_t(local.size()),
                    dataset);
    return std::int64_t(dims[0]);
  }

  std::int64_t rows(std::string_view dataset) {
    const auto ds = open_dataset(dataset);
    return std::int64_t(extendible_dims(ds.get(), dataset)[0]);
  }

  void truncate_rows(std::string_view dataset, std::int64_t rows) {
    const auto ds = open_dataset(dataset);
    auto dims = extendible_dims(ds.get(), dataset);
    collective_check(rows < 0 || hsize_t(rows) > dims[0], dataset,
                     fmt::format("cannot truncate {} rows to {}", dims[0], rows));
    dims[0] = hsize_t(rows);
    checked(H5Dset_extent(ds.get(), dims.data()), tmp_, dataset, "truncating dataset");
  }

  bool exists(std::string_view object) {
    require_open(object);
    const std::string name(object);
    return H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0;
  }

  void flush() {
    require_open("/");
    checked(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), tmp_, "/", "flushing file");
  }

  void suspend() {
    require_open("/");
    checked(file_.reset(), tmp_, "/", "closing file");
    suspended_ = true;
  }

  void commit() {
    require_open("/");
    checked(file_.reset(), tmp_, "/", "closing file");
    std::string problem;
    if (comm_.is_root() && std::rename(tmp_.c_str(), path_.c_str()) != 0)
      problem = fmt::format("cannot rename '{}' to '{}': {}", tmp_, path_, std::strerror(errno));
    parallel::fail_together<Hdf5Error>(comm_, std::move(problem));
    committed_ = true;
  }

private:
  void require_open(std::string_view object) const {
    if (!file_.valid())
      throw std::logic_error(
          fmt::format("HDF5 '{}': file '{}' is already committed or closed", object, path_));
  }
  void create_group_if_missing(std::string_view object) {
    if (!link_exists(file_.get(), object))
      create_group(object);
  }

  std::string path_, tmp_;
  parallel::Communicator comm_;
  bool mpi_;
  int uncaught_;
  bool committed_ = false;
  bool suspended_ = false;
  Id file_, lcpl_, dxpl_;
};

H5Output::H5Output(std::string path, parallel::Communicator comm, Mode mode)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(comm), mode)) {}
H5Output::~H5Output() = default;
H5Output::H5Output(H5Output &&) noexcept = default;
H5Output &H5Output::operator=(H5Output &&) noexcept = default;

const std::string &H5Output::path() const {
  return impl_->path();
}
std::string H5Output::temporary_path() const {
  return impl_->tmp();
}
bool H5Output::committed() const {
  return impl_->committed();
}
void H5Output::create_group(std::string_view group) {
  impl_->create_group(group);
}
void H5Output::write_attribute(std::string_view object, std::string_view name, double value) {
  impl_->numeric_attribute(object, name, std::span<const double>(&value, 1), true);
}
void H5Output::write_attribute(std::string_view object, std::string_view name, std::int64_t value) {
  impl_->numeric_attribute(object, name, std::span<const std::int64_t>(&value, 1), true);
}
void H5Output::write_attribute(std::string_view object, std::string_view name, int value) {
  write_attribute(object, name, std::int64_t{value});
}
void H5Output::write_attribute(std::string_view object, std::string_view name,
                               std::string_view value) {
  impl_->string_attribute(object, name, value);
}
void H5Output::write_attribute(std::string_view object, std::string_view name, const char *value) {
  impl_->string_attribute(object, name, value);
}
void H5Output::write_attribute(std::string_view object, std::string_view name,
                               std::span<const double> values) {
  impl_->numeric_attribute(object, name, values, false);
}
void H5Output::write_attribute(std::string_view object, std::string_view name,
                               std::span<const std::int64_t> values) {
  impl_->numeric_attribute(object, name, values, false);
}
void H5Output::write(std::string_view dataset, std::span<const double> data,
                     std::string_view unit) {
  impl_->root_write(dataset, data, Shape{std::int64_t(data.size())}, unit);
}
void H5Output::write(std::string_view dataset, std::span<const double> data, const Shape &shape,
                     std::string_view unit) {
  impl_->root_write(dataset, data, shape, unit);
}
void H5Output::write(std::string_view dataset, std::span<const std::int64_t> data,
                     std::string_view unit) {
  impl_->root_write(dataset, data, Shape{std::int64_t(data.size())}, unit);
}
void H5Output::write(std::string_view dataset, std::span<const std::int64_t> data,
                     const Shape &shape, std::string_view unit) {
  impl_->root_write(dataset, data, shape, unit);
}
void H5Output::write(std::string_view dataset, double value, std::string_view unit) {
  impl_->root_write(dataset, std::span<const double>(&value, 1), Shape{}, unit);
}
void H5Output::write_string(std::string_view dataset, std::string_view text) {
  impl_->write_string(dataset, text);
}
void H5Output::write_rows(std::string_view dataset, std::span<const double> local,
                          std::int64_t first_row, std::int64_t total_rows, std::int64_t cols,
                          std::string_view unit) {
  impl_->write_rows(dataset, local, first_row, total_rows, cols, unit);
}
void H5Output::write_rows(std::string_view dataset, std::span<const std::int64_t> local,
                          std::int64_t first_row, std::int64_t total_rows, std::int64_t cols,
                          std::string_view unit) {
  impl_->write_rows(dataset, local, first_row, total_rows, cols, unit);
}
void H5Output::create_extendible_double(std::string_view dataset, const Shape &row_shape,
                                        std::string_view unit, std::int64_t chunk_rows) {
  impl_->create_extendible<double>(dataset, row_shape, unit, chunk_rows);
}
void H5Output::create_extendible_int64(std::string_view dataset, const Shape &row_shape,
                                       std::string_view unit, std::int64_t chunk_rows) {
  impl_->create_extendible<std::int64_t>(dataset, row_shape, unit, chunk_rows);
}
void H5Output::create_extendible_double(std::string_view dataset, std::int64_t cols,
                                        std::string_view unit, std::int64_t chunk_rows) {
  impl_->create_extendible<double>(dataset, Shape{cols}, unit, chunk_rows);
}
void H5Output::create_extendible_int64(std::string_view dataset, std::int64_t cols,
                                       std::string_view unit, std::int64_t chunk_rows) {
  impl_->create_extendible<std::int64_t>(dataset, Shape{cols}, unit, chunk_rows);
}
std::int64_t H5Output::append_rows(std::string_view dataset, std::span<const double> local) {
  return impl_->append_rows(dataset, local);
}
std::int64_t H5Output::append_rows(std::string_view dataset, std::span<const std::int64_t> local) {
  return impl_->append_rows(dataset, local);
}
void H5Output::commit() {
  impl_->commit();
}
void H5Output::write_row_set(std::string_view dataset, std::span<const std::int64_t> my_rows,
                             std::span<const double> local, std::int64_t total_rows,
                             std::int64_t cols, std::string_view unit) {
  impl_->write_row_set(dataset, my_rows, local, total_rows, cols, unit);
}
void H5Output::write_attribute(std::string_view object, std::string_view name,
                               std::span<const std::string> values) {
  impl_->string_array_attribute(object, name, values);
}
std::int64_t H5Output::rows(std::string_view dataset) {
  return impl_->rows(dataset);
}
void H5Output::truncate_rows(std::string_view dataset, std::int64_t rows) {
  impl_->truncate_rows(dataset, rows);
}
bool H5Output::exists(std::string_view object) {
  return impl_->exists(object);
}
void H5Output::flush() {
  impl_->flush();
}
void H5Output::suspend() {
  impl_->suspend();
}

// ------------------------------------------------------------------------------------------------
class H5Input::Impl {
public:
  explicit Impl(std::string path) : path_(std::move(path)) {
    silence_hdf5_errors();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec))
      throw InputError(fmt::format("{}: cannot open HDF5 file: no such file", path_));
    file_ = checked(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path_, "/",
                    "opening file");
  }

  const std::string &path() const { return path_; }
  bool exists(std::string_view object) const { return link_exists(file_.get(), object); }

  Id dataset(std::string_view name) const {
    const std::string n(name);
    return checked(H5Dopen2(file_.get(), n.c_str(), H5P_DEFAULT), H5Dclose, path_, n,
                   "opening dataset");
  }
  Id attribute(std::string_view object, std::string_view name) const {
    const std::string o(object), n(name);
    const auto where = fmt::format("{}@{}", o, n);
    return checked(H5Aopen_by_name(file_.get(), o.c_str(), n.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose, path_, where, "opening attribute");
  }
  bool has_attribute(std::string_view object, std::string_view name) const {
    if (!exists(object))
      return false;
    const std::string o(object), n(name);
    const auto rc = H5Aexists_by_name(file_.get(), o.c_str(), n.c_str(), H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    return rc > 0;
  }

  static Shape extent(hid_t space) {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(std::size_t(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return {dims.begin(), dims.end()};
  }

  Shape shape(std::string_view name) const {
    const auto ds = dataset(name);
    const Id space(H5Dget_space(ds.get()), H5Sclose);
    return extent(space.get());
  }

  template <class T> std::pair<std::vector<T>, Shape> read(std::string_view name) const {
    const auto ds = dataset(name);
    const Id space(H5Dget_space(ds.get()), H5Sclose);
    auto shape = extent(space.get());
    std::vector<T> values(std::size_t(elements(shape)));
    if (!values.empty())
      checked(H5Dread(ds.get(), memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              path_, name, "reading dataset");
    return {std::move(values), std::move(shape)};
  }

  template <class T>
  std::vector<T> read_attribute(std::string_view object, std::string_view name) const {
    const auto a = attribute(object, name);
    const Id space(H5Aget_space(a.get()), H5Sclose);
    std::vector<T> values(std::size_t(H5Sget_simple_extent_npoints(space.get())));
    checked(H5Aread(a.get(), memory_type<T>(), values.data()), path_,
            fmt::format("{}@{}", object, name), "reading attribute");
    return values;
  }

  // A scalar string, fixed-length or variable-length.
  template <class Read>
  std::string read_text(hid_t stored_type, hid_t space, std::string_view where, Read read) const {
    if (H5Tget_class(stored_type) != H5T_STRING)
      throw Hdf5Error(fmt::format("HDF5: '{}' in '{}' is not a string", where, path_));
    if (H5Sget_simple_extent_npoints(space) != 1)
      throw Hdf5Error(fmt::format("HDF5: '{}' in '{}' is not a scalar string", where, path_));
    const Id type(H5Tcopy(stored_type), H5Tclose);
    if (H5Tis_variable_str(stored_type) > 0) {
      char *text = nullptr;
      checked(read(type.get(), &text), path_, where, "reading string");
      std::string out = text ? text : "";
      H5free_memory(text);
      return out;
    }
    std::string out(H5Tget_size(stored_type), '\0');
    checked(read(type.get(), out.data()), path_, where, "reading string");
    out.erase(out.find_last_not_of('\0') + 1);
    return out;
  }

  std::string read_string(std::string_view name) const {
    const auto ds = dataset(name);
    const Id type(H5Dget_type(ds.get()), H5Tclose);
    const Id space(H5Dget_space(ds.get()), H5Sclose);
    return read_text(type.get(), space.get(), name, [&](hid_t mem, void *buf) {
      return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    });
  }

  std::string read_attribute_string(std::string_view object, std::string_view name) const {
    const auto a = attribute(object, name);
    const Id type(H5Aget_type(a.get()), H5Tclose);
    const Id space(H5Aget_space(a.get()), H5Sclose);
    return read_text(type.get(), space.get(), fmt::format("{}@{}", object, name),
                     [&](hid_t mem, void *buf) { return H5Aread(a.get(), mem, buf); });
  }

private:
  std::string path_;
  Id file_;
};

H5Input::H5Input(const std::string &path) : impl_(std::make_unique<Impl>(path)) {}
H5Input::~H5Input() = default;
H5Input::H5Input(H5Input &&) noexcept = default;
H5Input &H5Input::operator=(H5Input &&) noexcept = default;

const std::string &H5Input::path() const {
  return impl_->path();
}
bool H5Input::exists(std::string_view object) const {
  return impl_->exists(object);
}
Shape H5Input::shape(std::string_view dataset) const {
  return impl_->shape(dataset);
}
DoubleDataset H5Input::read_double(std::string_view dataset) const {
  auto [values, shape] = impl_->read<double>(dataset);
  return {std::move(values), std::move(shape)};
}
Int64Dataset H5Input::read_int64(std::string_view dataset) const {
  auto [values, shape] = impl_->read<std::int64_t>(dataset);
  return {std::move(values), std::move(shape)};
}
std::string H5Input::read_string(std::string_view dataset) const {
  return impl_->read_string(dataset);
}
double H5Input::read_attribute_double(std::string_view object, std::string_view name) const {
  const auto v = impl_->read_attribute<double>(object, name);
  if (v.size() != 1)
    throw Hdf5Error(fmt::format("HDF5: attribute '{}@{}' in '{}' has {} values, expected 1", object,
                                name, impl_->path(), v.size()));
  return v[0];
}
std::int64_t H5Input::read_attribute_int64(std::string_view object, std::string_view name) const {
  const auto v = impl_->read_attribute<std::int64_t>(object, name);
  if (v.size() != 1)
    throw Hdf5Error(fmt::format("HDF5: attribute '{}@{}' in '{}' has {} values, expected 1", object,
                                name, impl_->path(), v.size()));
  return v[0];
}
std::vector<double> H5Input::read_attribute_doubles(std::string_view object,
                                                    std::string_view name) const {
  return impl_->read_attribute<double>(object, name);
}
std::vector<std::int64_t> H5Input::read_attribute_int64s(std::string_view object,
                                                         std::string_view name) const {
  return impl_->read_attribute<std::int64_t>(object, name);
}
std::string H5Input::read_attribute_string(std::string_view object, std::string_view name) const {
  return impl_->read_attribute_string(object, name);
}
bool H5Input::has_attribute(std::string_view object, std::string_view name) const {
  return impl_->has_attribute(object, name);
}

} // namespace ionbath::io

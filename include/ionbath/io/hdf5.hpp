#pragma once
// RAII HDF5 output and input (design.md, "Output layout"). The header is free of HDF5 and MPI.
//
// H5Output writes `<path>.tmp` through the MPI-IO driver when the communicator has an MPI handle
// (serial driver otherwise); only commit() makes `<path>` appear, so a failed run leaves no partial
// output. Every member of H5Output is collective over its communicator: all ranks call it in the
// same order with the same names, shapes, units and attribute values (HDF5 metadata is collective).
// Object paths are absolute ("/phonons/W0"); missing parent groups are created on demand.
// Every numeric dataset carries a `unit` attribute (H5MD style); dimensionless data say "1".
#include "ionbath/parallel/comm.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ionbath::io {

// An HDF5 call failed; the message names the file, the object and HDF5's own reason.
class Hdf5Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view dimensionless = "1";

using Shape = std::vector<std::int64_t>; // {} is a scalar

class H5Output {
public:
  enum class Mode {
    create, // a fresh <path>.tmp
    resume  // reopen an existing <path>.tmp left by suspend() (created fresh if there is none)
  };
  H5Output(std::string path, parallel::Communicator comm, Mode mode = Mode::create);
  // An uncommitted file is closed and its temporary removed. While an exception unwinds on a
  // parallel file the collective close is skipped (other ranks may not take part); the
  // temporary is still removed and the caller is expected to abort the run.
  ~H5Output();
  H5Output(H5Output &&) noexcept;
  H5Output &operator=(H5Output &&) noexcept;

  const std::string &path() const; // the final path
  std::string temporary_path() const;
  bool committed() const;

  void create_group(std::string_view group);

  // Attributes on a file ("/"), group or dataset; a missing object is created as a group.
  // An existing attribute of the same name is replaced.
  void write_attribute(std::string_view object, std::string_view name, double value);
  void write_attribute(std::string_view object, std::string_view name, std::int64_t value);
  void write_attribute(std::string_view object, std::string_view name, int value);
  void write_attribute(std::string_view object, std::string_view name, std::string_view value);
  void write_attribute(std::string_view object, std::string_view name, const char *value);
  void write_attribute(std::string_view object, std::string_view name,
                       std::span<const double> values);
  void write_attribute(std::string_view object, std::string_view name,
                       std::span<const std::int64_t> values);
  void write_attribute(std::string_view object, std::string_view name,
                       std::span<const std::string> values); // fixed-length string array

  // Small datasets written by the root rank: the data and shape are taken from root (other ranks
  // may pass empty spans and shapes). The shape's product must equal the data size on root.
  void write(std::string_view dataset, std::span<const double> data, std::string_view unit);
  void write(std::string_view dataset, std::span<const double> data, const Shape &shape,
             std::string_view unit);
  void write(std::string_view dataset, std::span<const std::int64_t> data, std::string_view unit);
  void write(std::string_view dataset, std::span<const std::int64_t> data, const Shape &shape,
             std::string_view unit);
  void write(std::string_view dataset, double value, std::string_view unit); // scalar
  // A scalar fixed-length string dataset (e.g. the resolved configuration), taken from root.
  void write_string(std::string_view dataset, std::string_view text);

  // A [total_rows × cols] dataset written collectively: this rank provides the rows
  // [first_row, first_row + local.size()/cols) in row-major order (possibly none).
  // Every rank passes the same total_rows and cols.
  void write_rows(std::string_view dataset, std::span<const double> local, std::int64_t first_row,
                  std::int64_t total_rows, std::int64_t cols, std::string_view unit);
  void write_rows(std::string_view dataset, std::span<const std::int64_t> local,
                  std::int64_t first_row, std::int64_t total_rows, std::int64_t cols,
                  std::string_view unit);

  // A [total_rows × cols] dataset written collectively: this rank provides the rows `my_rows`
  // (strictly ascending, any subset, possibly none) in that order.
  void write_row_set(std::string_view dataset, std::span<const std::int64_t> my_rows,
                     std::span<const double> local, std::int64_t total_rows, std::int64_t cols,
                     std::string_view unit);

  // Extendible [rows × row_shape...] dataset (chunked, unlimited rows), initially empty;
  // row_shape {} gives a 1-D dataset, {1, 3} an H5MD [frames × 1 × 3] value.
  void create_extendible_double(std::string_view dataset, const Shape &row_shape,
                                std::string_view unit, std::int64_t chunk_rows = 1024);
  void create_extendible_int64(std::string_view dataset, const Shape &row_shape,
                               std::string_view unit, std::int64_t chunk_rows = 1024);
  // Extendible [rows × cols] dataset (chunked, unlimited rows), initially empty.
  void create_extendible_double(std::string_view dataset, std::int64_t cols, std::string_view unit,
                                std::int64_t chunk_rows = 1024);
  void create_extendible_int64(std::string_view dataset, std::int64_t cols, std::string_view unit,
                               std::int64_t chunk_rows = 1024);
  // Append rows: every rank contributes its local rows (possibly none); they are stored in rank
  // order after the existing rows. Returns the new total number of rows.
  std::int64_t append_rows(std::string_view dataset, std::span<const double> local);
  std::int64_t append_rows(std::string_view dataset, std::span<const std::int64_t> local);

  // Rows of a 2-D dataset; shrink an extendible dataset to `rows` (resuming after a checkpoint).
  std::int64_t rows(std::string_view dataset);
  void truncate_rows(std::string_view dataset, std::int64_t rows);
  bool exists(std::string_view object);
  // Flush everything written so far to disk (before a checkpoint records the row counts).
  void flush();

  // Close the file and make `<path>` appear (the root rank renames the temporary).
  void commit();
  // Close the file but keep <path>.tmp for a later Mode::resume (checkpointed interruption).
  void suspend();

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

struct DoubleDataset {
  std::vector<double> values; // row-major
  Shape shape;
};
struct Int64Dataset {
  std::vector<std::int64_t> values; // row-major
  Shape shape;
};

// Read-only access to an HDF5 file (serial driver; any rank may open it independently).
class H5Input {
public:
  explicit H5Input(const std::string &path); // missing file → ionbath::InputError
  ~H5Input();
  H5Input(H5Input &&) noexcept;
  H5Input &operator=(H5Input &&) noexcept;

  const std::string &path() const;
  bool exists(std::string_view object) const;
  Shape shape(std::string_view dataset) const;
  DoubleDataset read_double(std::string_view dataset) const;
  Int64Dataset read_int64(std::string_view dataset) const;
  std::string read_string(std::string_view dataset) const;
  double read_attribute_double(std::string_view object, std::string_view name) const;
  std::int64_t read_attribute_int64(std::string_view object, std::string_view name) const;
  std::vector<double> read_attribute_doubles(std::string_view object, std::string_view name) const;
  std::vector<std::int64_t> read_attribute_int64s(std::string_view object,
                                                  std::string_view name) const;
  std::string read_attribute_string(std::string_view object, std::string_view name) const;
  bool has_attribute(std::string_view object, std::string_view name) const;

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace ionbath::io

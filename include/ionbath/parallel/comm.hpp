#pragma once
// The communication layer. This header is MPI-free: physics and I/O code see only this interface.
// The MPI implementation lives in src/parallel/comm_mpi.cpp (the only file that includes <mpi.h>
// besides the HDF5 driver hand-off in io/); a serial implementation stands in when MPI is absent.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ionbath::parallel {

// Fixed partition of a global index range [0, n_items) into blocks of block_size items.
// The blocks, not the ranks, define the order of floating-point summation, so any sum built with
// ordered_block_sum is bitwise the same for every number of ranks.
struct BlockPartition {
  std::int64_t n_items = 0;
  std::int64_t block_size = 1;

  std::int64_t n_blocks() const { return (n_items + block_size - 1) / block_size; }
  std::int64_t block_begin(std::int64_t b) const { return b * block_size; }
  std::int64_t block_end(std::int64_t b) const { return std::min(n_items, (b + 1) * block_size); }
  // Contiguous range of blocks owned by `rank` out of `size` ranks.
  std::int64_t first_block(int rank, int size) const { return n_blocks() * rank / size; }
  std::int64_t last_block(int rank, int size) const { return n_blocks() * (rank + 1) / size; }
};

class Backend; // implementation detail (serial or MPI)

class Communicator {
public:
  // MPI_COMM_WORLD when MPI is initialised, else a single-rank serial communicator.
  static Communicator world();
  static Communicator self_serial();

  int rank() const;
  int size() const;
  bool is_root() const { return rank() == 0; }

  // Collective. Ranks with the same color form one new communicator ordered by key.
  Communicator split(int color, int key) const;

  void barrier() const;
  void broadcast(std::span<double> data, int root = 0) const;
  void broadcast(std::span<std::int64_t> data, int root = 0) const;
  void broadcast(std::string &text, int root = 0) const;
  // Root's value of a container size (so other ranks can resize before a broadcast).
  std::size_t broadcast_size(std::size_t n, int root = 0) const;
  // A vector whose length only root knows.
  void broadcast_resize(std::vector<double> &data, int root = 0) const;

  // Concatenate every rank's contribution in rank order (sizes may differ).
  std::vector<double> allgatherv(std::span<const double> mine) const;
  std::vector<double> gatherv(std::span<const double> mine, int root = 0) const;

  double max(double value) const;
  std::int64_t sum(std::int64_t value) const;
  // Logical OR of a flag (e.g. "I failed") across ranks.
  bool any(bool flag) const;

  // Deterministic reduction: `local` holds `width` values for each block this rank owns
  // (blocks first_block..last_block of `partition`, consecutive). Every rank receives
  // out[w] = (((block_0 + block_1) + block_2) + ...) in block order.
  void ordered_block_sum(const BlockPartition &partition, std::span<const double> local,
                         std::size_t width, std::span<double> out) const;

  // Opaque handle for the I/O layer's parallel HDF5 driver (an MPI_Comm* or nullptr if serial).
  const void *native_handle() const;

private:
  explicit Communicator(std::shared_ptr<const Backend> backend) : backend_(std::move(backend)) {}
  std::shared_ptr<const Backend> backend_;
  friend class Backend;
};

// RAII MPI initialisation (MPI_THREAD_FUNNELED) for main() and the test main.
class Environment {
public:
  Environment(int &argc, char **&argv);
  ~Environment();
  Environment(const Environment &) = delete;
  Environment &operator=(const Environment &) = delete;
  static bool mpi_active();
  // Abort every rank (after a fatal error on one rank), with an exit code.
  [[noreturn]] static void abort(int code);
};

} // namespace ionbath::parallel

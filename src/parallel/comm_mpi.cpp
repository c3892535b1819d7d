// The only translation unit of the communication layer that includes <mpi.h>.
#include "backend.hpp"

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>

namespace ionbath::parallel {

namespace {
void check(int rc, const char *what) {
  if (rc != MPI_SUCCESS)
    throw std::runtime_error(std::string("MPI call failed: ") + what);
}

class MpiBackend final : public Backend {
public:
  MpiBackend(MPI_Comm comm, bool owned) : comm_(comm), owned_(owned) {
    check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
  }
  ~MpiBackend() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owned_ && !finalized)
      MPI_Comm_free(&comm_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::shared_ptr<const Backend> split(int color, int key) const override {
    MPI_Comm sub;
    check(MPI_Comm_split(comm_, color, key, &sub), "MPI_Comm_split");
    return std::make_shared<MpiBackend>(sub, true);
  }
  void barrier() const override { check(MPI_Barrier(comm_), "MPI_Barrier"); }
  void broadcast_bytes(void *data, std::size_t bytes, int root) const override {
    check(MPI_Bcast(data, static_cast<int>(bytes), MPI_BYTE, root, comm_), "MPI_Bcast");
  }
  std::vector<int> counts(int mine) const {
    std::vector<int> c(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&mine, 1, MPI_INT, c.data(), 1, MPI_INT, comm_), "MPI_Allgather");
    return c;
  }
  static std::vector<int> displacements(const std::vector<int> &c) {
    std::vector<int> d(c.size(), 0);
    for (std::size_t i = 1; i < c.size(); ++i)
      d[i] = d[i - 1] + c[i - 1];
    return d;
  }
  std::vector<double> allgatherv(std::span<const double> mine) const override {
    const auto c = counts(static_cast<int>(mine.size()));
    const auto d = displacements(c);
    std::vector<double> all(static_cast<std::size_t>(d.back() + c.back()));
    check(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(),
                         c.data(), d.data(), MPI_DOUBLE, comm_),
          "MPI_Allgatherv");
    return all;
  }
  std::vector<double> gatherv(std::span<const double> mine, int root) const override {
    const auto c = counts(static_cast<int>(mine.size()));
    const auto d = displacements(c);
    std::vector<double> all(rank_ == root ? static_cast<std::size_t>(d.back() + c.back()) : 0);
    check(MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, all.data(), c.data(),
                      d.data(), MPI_DOUBLE, root, comm_),
          "MPI_Gatherv");
    return all;
  }
  double max(double value) const override {
    double out = 0;
    check(MPI_Allreduce(&value, &out, 1, MPI_DOUBLE, MPI_MAX, comm_), "MPI_Allreduce");
    return out;
  }
  std::int64_t sum(std::int64_t value) const override {
    std::int64_t out = 0;
    check(MPI_Allreduce(&value, &out, 1, MPI_INT64_T, MPI_SUM, comm_), "MPI_Allreduce");
    return out;
  }
  const void *native_handle() const override { return &comm_; }

private:
  MPI_Comm comm_;
  bool owned_;
  int rank_ = 0, size_ = 1;
};

bool g_we_initialised = false;
} // namespace

std::shared_ptr<const Backend> make_mpi_world_backend() {
  if (!Environment::mpi_active())
    return nullptr;
  static const auto world = std::make_shared<MpiBackend>(MPI_COMM_WORLD, false);
  return world;
}

Environment::Environment(int &argc, char **&argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    g_we_initialised = true;
  }
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (g_we_initialised && !finalized)
    MPI_Finalize();
}

bool Environment::mpi_active() {
  int initialised = 0, finalized = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalized);
  return initialised && !finalized;
}

void Environment::abort(int code) {
  if (mpi_active())
    MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

} // namespace ionbath::parallel

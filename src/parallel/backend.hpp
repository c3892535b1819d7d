#pragma once
#include "ionbath/parallel/comm.hpp"

namespace ionbath::parallel {

// Interface of a communicator implementation; see comm.hpp for the semantics of each call.
class Backend {
public:
  virtual ~Backend() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::shared_ptr<const Backend> split(int color, int key) const = 0;
  virtual void barrier() const = 0;
  virtual void broadcast_bytes(void *data, std::size_t bytes, int root) const = 0;
  virtual std::vector<double> allgatherv(std::span<const double> mine) const = 0;
  virtual std::vector<double> gatherv(std::span<const double> mine, int root) const = 0;
  virtual double max(double value) const = 0;
  virtual std::int64_t sum(std::int64_t value) const = 0;
  virtual const void *native_handle() const = 0;

  static Communicator wrap(std::shared_ptr<const Backend> b) { return Communicator(std::move(b)); }
};

std::shared_ptr<const Backend> make_serial_backend();
std::shared_ptr<const Backend> make_mpi_world_backend(); // nullptr when MPI is not initialised

} // namespace ionbath::parallel

#include "backend.hpp"

#include <algorithm>
#include <stdexcept>

namespace ionbath::parallel {

namespace {
class SerialBackend final : public Backend {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::shared_ptr<const Backend> split(int, int) const override { return make_serial_backend(); }
  void barrier() const override {}
  void broadcast_bytes(void *, std::size_t, int) const override {}
  std::vector<double> allgatherv(std::span<const double> mine) const override {
    return {mine.begin(), mine.end()};
  }
  std::vector<double> gatherv(std::span<const double> mine, int) const override {
    return {mine.begin(), mine.end()};
  }
  double max(double value) const override { return value; }
  std::int64_t sum(std::int64_t value) const override { return value; }
  const void *native_handle() const override { return nullptr; }
};
} // namespace

std::shared_ptr<const Backend> make_serial_backend() {
  return std::make_shared<SerialBackend>();
}

Communicator Communicator::world() {
  if (auto mpi = make_mpi_world_backend())
    return Communicator(std::move(mpi));
  return self_serial();
}
Communicator Communicator::self_serial() {
  return Communicator(make_serial_backend());
}

int Communicator::rank() const {
  return backend_->rank();
}
int Communicator::size() const {
  return backend_->size();
}
Communicator Communicator::split(int color, int key) const {
  return Communicator(backend_->split(color, key));
}
void Communicator::barrier() const {
  backend_->barrier();
}
void Communicator::broadcast(std::span<double> data, int root) const {
  backend_->broadcast_bytes(data.data(), data.size_bytes(), root);
}
void Communicator::broadcast(std::span<std::int64_t> data, int root) const {
  backend_->broadcast_bytes(data.data(), data.size_bytes(), root);
}
std::size_t Communicator::broadcast_size(std::size_t n, int root) const {
  std::int64_t size = static_cast<std::int64_t>(n);
  broadcast(std::span<std::int64_t>(&size, 1), root);
  return static_cast<std::size_t>(size);
}
void Communicator::broadcast(std::string &text, int root) const {
  text.resize(broadcast_size(text.size(), root));
  backend_->broadcast_bytes(text.data(), text.size(), root);
}
void Communicator::broadcast_resize(std::vector<double> &data, int root) const {
  data.resize(broadcast_size(data.size(), root));
  broadcast(std::span<double>(data), root);
}
std::vector<double> Communicator::allgatherv(std::span<const double> mine) const {
  return backend_->allgatherv(mine);
}
std::vector<double> Communicator::gatherv(std::span<const double> mine, int root) const {
  return backend_->gatherv(mine, root);
}
double Communicator::max(double value) const {
  return backend_->max(value);
}
std::int64_t Communicator::sum(std::int64_t value) const {
  return backend_->sum(value);
}
bool Communicator::any(bool flag) const {
  return backend_->sum(flag ? 1 : 0) > 0;
}
const void *Communicator::native_handle() const {
  return backend_->native_handle();
}

void Communicator::ordered_block_sum(const BlockPartition &partition, std::span<const double> local,
                                     std::size_t width, std::span<double> out) const {
  const auto first = partition.first_block(rank(), size());
  const auto last = partition.last_block(rank(), size());
  if (local.size() != static_cast<std::size_t>(last - first) * width)
    throw std::logic_error("ordered_block_sum: local size does not match the owned blocks");
  if (out.size() != width)
    throw std::logic_error("ordered_block_sum: output width mismatch");
  const std::vector<double> all =
      size() == 1 ? std::vector<double>(local.begin(), local.end()) : allgatherv(local);
  const auto nb = partition.n_blocks();
  std::fill(out.begin(), out.end(), 0.0);
  if (nb == 0)
    return;
  std::copy(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(width), out.begin());
  for (std::int64_t b = 1; b < nb; ++b)
    for (std::size_t w = 0; w < width; ++w)
      out[w] += all[static_cast<std::size_t>(b) * width + w];
}

} // namespace ionbath::parallel

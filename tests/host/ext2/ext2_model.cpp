#include "ext2_model.h"

#include <algorithm>

namespace ext2_test {

void ModelFile::write(uint64_t offset, const std::string& data) {
  for (uint64_t done = 0; done < data.size();) {
    const uint64_t pos = offset + done;
    const uint64_t index = pos / kPage, in_page = pos % kPage;
    const uint64_t chunk = std::min<uint64_t>(data.size() - done, kPage - in_page);
    std::string& page = pages[index];
    if (page.empty()) page.assign(kPage, '\0');
    page.replace(in_page, chunk, data, done, chunk);
    done += chunk;
  }
  size = std::max<uint64_t>(size, offset + data.size());
}

void ModelFile::resize(uint64_t new_size) {
  if (new_size < size) {
    // Pages past the end go; the rest of the last one is zeroed.
    pages.erase(pages.lower_bound((new_size + kPage - 1) / kPage), pages.end());
    if (new_size % kPage != 0) {
      auto it = pages.find(new_size / kPage);
      if (it != pages.end())
        std::fill(it->second.begin() + static_cast<long>(new_size % kPage), it->second.end(), '\0');
    }
  }
  size = new_size;
}

std::string ModelFile::read(uint64_t offset, uint64_t length) const {
  if (offset >= size) return {};
  length = std::min(length, size - offset);
  std::string out(length, '\0');
  for (auto it = pages.lower_bound(offset / kPage); it != pages.end(); ++it) {
    const uint64_t start = it->first * kPage;
    if (start >= offset + length) break;
    const uint64_t from = std::max(start, offset), to = std::min(start + kPage, offset + length);
    out.replace(from - offset, to - from, it->second, from - start, to - from);
  }
  return out;
}

std::string Model::parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Model::join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

bool Model::is_directory(const std::string& path) const {
  auto it = nodes_.find(path);
  return it != nodes_.end() && it->second.directory;
}

std::vector<std::string> Model::children(const std::string& dir) const {
  std::vector<std::string> out;
  const std::string prefix = dir == "/" ? "/" : dir + "/";
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    const std::string rest = it->first.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) out.push_back(rest);
  }
  return out;
}

uint32_t Model::subdirectories(const std::string& dir) const {
  uint32_t n = 0;
  for (const auto& name : children(dir)) n += is_directory(join(dir, name));
  return n;
}

std::vector<std::string> Model::all(bool directories) const {
  std::vector<std::string> out;
  for (const auto& [path, node] : nodes_) {
    if (node.directory == directories) out.push_back(path);
  }
  return out;
}

void Model::add_file(const std::string& path) {
  auto file = std::make_shared<ModelFile>();
  file->links = 1;
  nodes_[path] = ModelNode{false, file};
}

void Model::add_link(const std::string& existing, const std::string& path) {
  ModelNode node = nodes_.at(existing);
  ++node.file->links;
  nodes_[path] = node;
}

void Model::remove(const std::string& path) {
  ModelNode& node = nodes_.at(path);
  if (node.file) --node.file->links;
  nodes_.erase(path);
}

void Model::move(const std::string& from, const std::string& to) {
  std::vector<std::pair<std::string, ModelNode>> moved;
  const std::string prefix = from + "/";
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (it->first == from || it->first.compare(0, prefix.size(), prefix) == 0) {
      moved.emplace_back(to + it->first.substr(from.size()), it->second);
      it = nodes_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [path, node] : moved) nodes_[path] = node;
}

}  // namespace ext2_test

// An in-memory model of a file tree for the randomized ext2 test: paths to
// files and directories, files with sparse contents (4 KiB pages, absent
// pages read as zeros) shared by their hard links.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ext2_test {

struct ModelFile {
  static constexpr uint64_t kPage = 4096;
  uint64_t size = 0;
  std::map<uint64_t, std::string> pages;  // page index -> kPage bytes
  uint32_t links = 0;

  void write(uint64_t offset, const std::string& data);
  void resize(uint64_t new_size);
  std::string read(uint64_t offset, uint64_t length) const;
};

struct ModelNode {
  bool directory = false;
  std::shared_ptr<ModelFile> file;  // files only
};

class Model {
 public:
  Model() { nodes_["/"] = ModelNode{true, nullptr}; }

  static std::string parent_of(const std::string& path);
  static std::string join(const std::string& dir, const std::string& name);

  bool exists(const std::string& path) const { return nodes_.count(path) != 0; }
  bool is_directory(const std::string& path) const;
  const ModelNode& node(const std::string& path) const { return nodes_.at(path); }
  ModelFile& file(const std::string& path) { return *nodes_.at(path).file; }
  // Names directly in `dir`.
  std::vector<std::string> children(const std::string& dir) const;
  // How many directories `dir` holds directly.
  uint32_t subdirectories(const std::string& dir) const;
  // Every path of a directory (or of a file).
  std::vector<std::string> all(bool directories) const;

  void add_file(const std::string& path);
  void add_directory(const std::string& path) { nodes_[path] = ModelNode{true, nullptr}; }
  void add_link(const std::string& existing, const std::string& path);
  void remove(const std::string& path);
  // Moves `from` (and, for a directory, everything below it) to `to`,
  // which must not exist.
  void move(const std::string& from, const std::string& to);

 private:
  std::map<std::string, ModelNode> nodes_;
};

}  // namespace ext2_test

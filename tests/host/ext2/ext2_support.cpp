#include "ext2_support.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ext2_test {

std::string run(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    if (status != nullptr) *status = -1;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int raw = pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return output;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ext2-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Result<void> MemoryDisk::read_blocks(uint64_t first, std::span<uint8_t> out) {
  const uint64_t count = out.size() / sector_;
  if (out.size() % sector_ != 0 || first + count > block_count()) return fail(Error::out_of_range);
  if (bad_block_ >= first && bad_block_ < first + count) return fail(Error::io_error);
  std::memcpy(out.data(), bytes_.data() + first * sector_, out.size());
  return {};
}

Result<void> MemoryDisk::write_blocks(uint64_t first, std::span<const uint8_t> data) {
  const uint64_t count = data.size() / sector_;
  if (data.size() % sector_ != 0 || first + count > block_count()) return fail(Error::out_of_range);
  if (writes_left_ == 0) return fail(Error::io_error);
  if (writes_left_ > 0) --writes_left_;
  std::memcpy(bytes_.data() + first * sector_, data.data(), data.size());
  ++writes_;
  return {};
}

Result<void> MemoryDisk::flush() {
  ++flushes_;
  return {};
}

uint32_t clock_from(void* context) { return *static_cast<uint32_t*>(context); }

std::string read_host_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  std::string data(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  return data;
}

namespace {

std::vector<uint8_t> read_file(const std::filesystem::path& file) {
  const std::string data = read_host_file(file);
  return std::vector<uint8_t>(data.begin(), data.end());
}

}  // namespace

Image::Image(const ImageOptions& o) : file_(dir_.path() / "image") {
  std::ostringstream cmd;
  // -E root_owner: files as mke2fs -d copies them; -F: a regular file.
  cmd << "mke2fs -q -F -t " << o.type << " -b " << o.block_size << " -I " << o.inode_size << " "
      << o.extra;
  if (!o.populate_from.empty()) cmd << " -d " << quote(o.populate_from);
  cmd << " " << quote(file_.string()) << " " << o.size_kib << "k";
  int status = 0;
  const std::string output = run(cmd.str(), &status);
  if (status != 0) throw std::runtime_error("mke2fs failed: " + cmd.str() + "\n" + output);
  disk_ = std::make_unique<MemoryDisk>(read_file(file_));
}

Result<std::unique_ptr<tas::fs::ext2::FileSystem>> Image::mount(bool read_only,
                                                                uint32_t cache_blocks) {
  tas::fs::ext2::MountOptions options;
  options.read_only = read_only;
  options.cache_blocks = cache_blocks;
  options.clock = {clock_from, &now};
  return tas::fs::ext2::FileSystem::mount(*disk_, options);
}

void Image::save() {
  std::ofstream out(file_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(disk_->bytes().data()),
            static_cast<std::streamsize>(disk_->bytes().size()));
}

void Image::reload() { disk_->bytes() = read_file(file_); }

FsckResult fsck(const std::filesystem::path& image) {
  FsckResult r;
  r.output = run("e2fsck -fn " + quote(image.string()), &r.status);
  r.clean = r.status == 0;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.rfind("e2fsck ", 0) == 0 || line.rfind("Pass ", 0) == 0) continue;
    if (line.find(" files (") != std::string::npos && line.find(" blocks") != std::string::npos)
      continue;  // the summary
    r.clean = false;
  }
  return r;
}

std::string debugfs(const std::filesystem::path& image, const std::string& command) {
  std::string out = run("debugfs -R " + quote(command) + " " + quote(image.string()));
  // The banner ("debugfs 1.47.0 (...)") comes first on stderr.
  if (out.rfind("debugfs ", 0) == 0) out.erase(0, out.find('\n') + 1);
  return out;
}

std::vector<ListedEntry> debugfs_list(const std::filesystem::path& image, const std::string& dir) {
  std::vector<ListedEntry> entries;
  std::istringstream lines(debugfs(image, "ls -p " + dir));
  for (std::string line; std::getline(lines, line);) {
    // /ino/mode/uid/gid/name/size/
    if (line.size() < 2 || line[0] != '/') continue;
    std::vector<std::string> fields;
    size_t at = 1;
    for (size_t slash; (slash = line.find('/', at)) != std::string::npos; at = slash + 1)
      fields.push_back(line.substr(at, slash - at));
    // Entries with inode 0 are unused (debugfs lists the first of a block).
    if (fields.size() < 6 || fields[0] == "0" || fields[4] == "." || fields[4] == "..") continue;
    ListedEntry e;
    e.ino = static_cast<uint32_t>(std::stoul(fields[0]));
    e.mode = static_cast<uint32_t>(std::stoul(fields[1], nullptr, 8));
    e.name = fields[4];
    e.size = fields[5].empty() ? 0 : std::stoull(fields[5]);
    entries.push_back(e);
  }
  return entries;
}

int64_t stat_field(const std::string& stat_output, const std::string& name) {
  const std::string key = name + ":";
  size_t at = 0;
  while ((at = stat_output.find(key, at)) != std::string::npos) {
    // A whole word: "Size:" but not "Fragment ... Size:" preceded by a letter.
    if (at == 0 || stat_output[at - 1] == ' ' || stat_output[at - 1] == '\n') {
      size_t p = at + key.size();
      while (p < stat_output.size() && stat_output[p] == ' ') ++p;
      size_t end = p;
      while (end < stat_output.size() && std::isdigit(static_cast<unsigned char>(stat_output[end])))
        ++end;
      if (end > p) return std::stoll(stat_output.substr(p, end - p));
    }
    at += key.size();
  }
  return -1;
}

std::string read_all(tas::fs::ext2::FileSystem& fs, uint32_t ino) {
  auto st = fs.stat(ino);
  if (!st) return {};
  std::string data(st->size, '\0');
  auto n =
      fs.read(ino, 0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(data.data()), data.size()));
  if (!n) return {};
  data.resize(*n);
  return data;
}

bool write_at(tas::fs::ext2::FileSystem& fs, uint32_t ino, uint64_t offset,
              const std::string& data) {
  auto n = fs.write(
      ino, offset,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  return n && *n == data.size();
}

std::string pattern(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

}  // namespace ext2_test

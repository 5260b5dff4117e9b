// tests/cli/bad_input_test.cpp: every command given missing, empty, truncated, garbage, wrong-type and huge inputs
// and impossible options: each answers with exit code 2 and one line on stderr naming the culprit and what was
// expected (after the progress lines of a pass, if any), and writes nothing where it was asked to.
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "support/support.h"
#include "wavetwin/data/file.h"
#include "wavetwin/runs/checkpoint.h"
#include "wavetwin/runs/run_store.h"

namespace wavetwin {
namespace {

namespace fs = std::filesystem;

struct BadInput {
  std::string arguments;  ///< after `wavetwin`, run in the test's folder
  std::string expected;   ///< part of the one line on stderr
  std::string output;     ///< a path the command was asked to write: afterwards absent, or an empty folder
};

class BadInputTest : public test::TempDirTest {
 protected:
  void write(const std::string& name, const std::string& bytes) const {
    data::write_file_atomic(dir_ + "/" + name, bytes.data(), bytes.size());
  }
  std::string read(const std::string& path) const {
    const std::vector<char> bytes = data::read_file(path);
    return {bytes.begin(), bytes.end()};
  }
  // The inputs the cases name, each broken in its own way.
  void write_inputs() {
    const std::string jpeg = read(test::source_path("tests/fixtures/image/natural_rgb.jpg"));
    write("natural.jpg", jpeg);
    write("empty.jpg", "");
    write("trunc.jpg", jpeg.substr(0, 300));
    std::string garbage(1000, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919 + 13) % 251);
    write("garbage.jpg", garbage);
    write("garbage.pt", garbage);
    write("garbage.db", garbage);
    write("text.pt", "a,b\n1,2\n");
    write("empty.db", "");
    // The fixture with its frame header declaring 60000 x 60000 pixels.
    std::string huge = jpeg;
    const size_t sof = huge.find("\xFF\xC0");
    ASSERT_NE(sof, std::string::npos);
    huge[sof + 5] = huge[sof + 7] = static_cast<char>(60000 >> 8);
    huge[sof + 6] = huge[sof + 8] = static_cast<char>(60000 & 0xFF);
    write("huge.jpg", huge);
    write("huge.png", huge_png());
    fs::create_directories(dir_ + "/folder");
    fs::create_directories(dir_ + "/images");
    write("images/garbage.jpg", garbage);
    write("images/huge.png", huge_png());
    runs::RunStore(dir_ + "/store.db");
    torch::nn::Linear model(2, 3);
    torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
    runs::save_checkpoint(dir_ + "/ckpt.pt", *model, sgd, {});
    write("trunc.pt", read(dir_ + "/ckpt.pt").substr(0, 1000));
  }
  // A PNG whose header declares 100000 x 100000 RGB pixels, with valid checksums.
  static std::string huge_png() {
    const auto chunk = [](const std::string& type, const std::string& body) {
      std::string out;
      for (uint32_t v : {static_cast<uint32_t>(body.size())}) {
        for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
      }
      const std::string typed = type + body;
      const uint32_t crc = static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size()));
      out += typed;
      for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(crc >> s));
      return out;
    };
    std::string header;
    for (uint32_t v : {100000u, 100000u}) {
      for (int s = 24; s >= 0; s -= 8) header.push_back(static_cast<char>(v >> s));
    }
    header += std::string("\x08\x02\x00\x00\x00", 5);
    // Four rows of pixel data after the header (a filter byte and 3 x 100000 bytes each), as a real file has.
    std::vector<Bytef> rows(4 * 300001, 0);
    uLongf packed_size = compressBound(rows.size());
    std::vector<Bytef> pixels(packed_size);
    ::compress(pixels.data(), &packed_size, rows.data(), rows.size());
    const std::string idat(reinterpret_cast<const char*>(pixels.data()), packed_size);
    return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", header) + chunk("IDAT", idat) + chunk("IEND", "");
  }
};

TEST_F(BadInputTest, EveryCommandNamesTheCulpritInOneLine) {
  write_inputs();
  const std::vector<BadInput> cases = {
      {"transform missing.jpg", "missing.jpg: no such file"},
      {"transform empty.jpg", "empty.jpg: empty file; expected a JPEG or PNG image"},
      {"transform trunc.jpg", "trunc.jpg: corrupt JPEG"},
      {"transform garbage.jpg", "garbage.jpg: unsupported format (unrecognised signature)"},
      {"transform text.pt", "text.pt: not a torch.save tensor file"},
      {"transform garbage.pt", "garbage.pt: not a torch.save tensor file"},
      {"transform folder", "folder: a folder; expected a file"},
      {"transform huge.jpg", "huge.jpg: declares 60000 x 60000 pixels, over the limit"},
      {"transform huge.png", "huge.png: declares 100000 x 100000 pixels, over the limit"},
      {"transform natural.jpg -J 0 -o t.pt", "--depth: Value 0 not in range 1 to 8", "t.pt"},
      {"transform natural.jpg --stride 3 -o t.pt", "stride=3; expected a power of two", "t.pt"},
      {"transform natural.jpg --padding foo -o t.pt", "unknown mode 'foo'", "t.pt"},
      {"transform natural.jpg --filters bogus -o t.pt", "unknown Q-shift bank 'bogus'", "t.pt"},
      {"transform natural.jpg -o folder", "folder: cannot write"},
      {"transform natural.jpg --dtcwt --stride 2 -o t.pt", "--stride excludes --dtcwt", "t.pt"},
      {"transform natural.jpg --biort legall -o t.pt", "--biort requires --dtcwt", "t.pt"},
      {"transform natural.jpg --dtcwt --biort bogus -o t.pt", "unknown biorthogonal bank 'bogus'", "t.pt"},
      {"filters --packets 9", "--packets: Value 9 not in range 1 to 6"},
      {"filters --packets 2 --filters bogus", "unknown Q-shift bank 'bogus'"},
      {"theory --m 0 --out th", "--m: Value 0 not in range 1 to 64", "th"},
      {"theory --grid 4 --out th", "--grid: Value 4 not in range 8 to 4096", "th"},
      {"theory --out natural.jpg", "natural.jpg: cannot create the directory"},
      {"study --images missing --out st", "missing: no such folder", "st"},
      {"study --images folder --out st", "folder: holds no file", "st"},
      {"study --images images --out st", "none of the 2 files could be read as an image", "st"},
      {"study --images huge.png --out st", "huge.png: not a folder", "st"},
      {"study --images images --size 3 --out st", "--size: Value 3 not in range 16 to 4096", "st"},
      {"kernels missing.pt --out k", "missing.pt: no such file", "k"},
      {"kernels empty.jpg --out k", "empty.jpg: empty file", "k"},
      {"kernels garbage.pt --out k", "garbage.pt: not a torch.save tensor file", "k"},
      {"kernels natural.jpg --out k", "natural.jpg: not a torch.save tensor file", "k"},
      {"kernels trunc.pt --out k", "trunc.pt: not a torch.save tensor file", "k"},
      {"kernels ckpt.pt --fft 7 --out k", "--fft: Value 7 not in range 8 to 1024", "k"},
      {"models bogus", "unknown model 'bogus'; expected a papers' name"},
      {"models R18C --trace --input 3x-", "--input 3x-; expected CxHxW"},
      {"models R18C --trace --input 4x32x32", "expected CxHxW with C = 3"},
      {"train R18C --data folder:missing --store made/runs.db", "missing: no such folder"},
      {"train R18C --data folder:folder --store made/runs.db", "folder: holds no class folder"},
      {"train R18C --data cifar10:folder --store made/runs.db", "neither CIFAR-10 binary batches"},
      {"train R18C --data imagenette:x --store new/runs.db", "data spec 'imagenette:x': unknown kind", "new"},
      {"train R18C --data folder: --store new/runs.db", "data spec 'folder:': no PATH; expected folder:PATH", "new"},
      {"train bogus --store new/runs.db", "unknown model 'bogus'", "new"},
      {"train R18C --store garbage.db", "garbage.db: not a wavetwin run store"},
      {"train R18C --store folder", "folder: a folder; expected the run store's file"},
      {"train R18C --epochs 0 --store new/runs.db", "--epochs: 0; expected a number > 0", "new"},
      {"train R18C --lr nan --store new/runs.db", "--lr: nan; expected a number > 0", "new"},
      {"train R18C --batch -4 --store new/runs.db", "--batch: -4; expected a number > 0", "new"},
      {"train R18C --recipe bogus --store new/runs.db", "bogus", "new"},
      {"train --resume --name nobody --store store.db", "no run named 'nobody'"},
      {"runs list --store missing.db", "missing.db: no such run store", "missing.db"},
      {"runs list --store empty.db", "empty.db: not a wavetwin run store, or a damaged one (an empty database)"},
      {"runs list --store garbage.db", "garbage.db: not a wavetwin run store"},
      {"runs list --store folder", "folder: a folder; expected the run store's file"},
      {"runs show nobody --store store.db", "no run named 'nobody'"},
      {"runs rm nobody --store store.db", "no run named 'nobody'"},
      {"runs export nobody --store store.db", "no run named 'nobody'"},
      {"eval nobody --store store.db", "nobody: neither a run in store.db nor a checkpoint file"},
      {"eval garbage.pt --model R18C --data fashion-mnist --store store.db", "garbage.pt: not a checkpoint of wavetwin train"},
      {"eval empty.jpg --model R18C --store store.db", "empty.jpg: not a checkpoint of wavetwin train"},
      {"eval trunc.pt --model R18C --store store.db", "trunc.pt: not a checkpoint of wavetwin train"},
      {"eval ckpt.pt --model bogus --store store.db", "unknown model 'bogus'"},
      {"eval ckpt.pt --model R18C --mode bogus --store store.db", "--mode bogus: unknown"},
      {"eval ckpt.pt --store store.db", "a checkpoint outside the run store; expected --model SPEC too"},
      {"report --store missing.db --out r", "missing.db: no such run store", "r"},
      {"report --store garbage.db --out r", "garbage.db: not a wavetwin run store", "r"},
      {"report nobody --store store.db --out r", "no run named 'nobody'", "r"},
      {"demo --budget -1 --out d", "--budget -1; expected minutes > 0", "d"},
  };
  std::set<std::string> commands;
  for (const BadInput& c : cases) {
    const std::string command = c.arguments.substr(0, c.arguments.find(' '));
    commands.insert(command);
    std::string out;
    const int code = test::run_command("cd " + dir_ + " && (" + WAVETWIN_CLI_PATH + " " + c.arguments +
                                           " 2>err.txt >/dev/null)",
                                       &out);
    const std::string err = read(dir_ + "/err.txt");
    EXPECT_EQ(code, 2) << c.arguments << "\n" << err;
    // One error line, the last (progress lines of a pass that found nothing usable may come before it).
    const size_t last = err.rfind('\n', err.size() >= 2 ? err.size() - 2 : 0);
    const std::string line = err.substr(last == std::string::npos ? 0 : last + 1);
    EXPECT_EQ(line.rfind("wavetwin: ", 0), 0u) << c.arguments << "\n" << err;
    EXPECT_EQ(err.find("wavetwin: "), err.size() - line.size()) << c.arguments << ": more than one error line\n" << err;
    EXPECT_TRUE(!line.empty() && line.back() == '\n') << c.arguments << "\n" << err;
    EXPECT_NE(line.find(c.expected), std::string::npos) << c.arguments << "\n" << err;
    if (!c.output.empty()) {
      const std::string written = dir_ + "/" + c.output;
      EXPECT_TRUE(!fs::exists(written) || (fs::is_directory(written) && fs::is_empty(written)))
          << c.arguments << ": wrote " << written;
      fs::remove_all(written);
    }
  }
  // What was given as a store and is none is left as it was.
  EXPECT_EQ(fs::file_size(dir_ + "/empty.db"), 0u);
  EXPECT_EQ(fs::file_size(dir_ + "/garbage.db"), 1000u);
  std::printf("bad inputs tried: %zu over %zu commands\n", cases.size(), commands.size());
}

}  // namespace
}  // namespace wavetwin

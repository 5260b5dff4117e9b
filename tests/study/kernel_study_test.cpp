// tests/study/kernel_study_test.cpp: the kernel-analysis workflow: the tensor chosen from a file, its measures
// equal analyse_kernels', the analytic kernels saved, the errors named.
#include "wavetwin/study/kernel_study.h"

#include <filesystem>

#include "support/support.h"
#include "wavetwin/data/tensor_io.h"

namespace wavetwin::study {
namespace {

class KernelStudyTest : public test::TempDirTest {};

TEST_F(KernelStudyTest, AnalysesTheKernelsOfAFile) {
  const torch::Tensor w = torch::randn({10, 3, 7, 7});
  data::save_tensor(dir_ + "/w.pt", w);
  KernelStudyOptions o;
  o.input = dir_ + "/w.pt", o.m = 2, o.out = dir_ + "/k";
  const KernelStudy k = study_kernels(o);
  EXPECT_EQ(k.shape, (std::vector<int64_t>{10, 3, 7, 7}));
  EXPECT_EQ(k.bandpass + k.lowpass, 10);
  const KernelMeasures direct = analyse_kernels(w.to(torch::kFloat64), KernelAnalysisOptions().m(2));
  EXPECT_TRUE(torch::equal(k.measures.gamma2, direct.gamma2));
  EXPECT_TRUE(torch::equal(k.measures.frequency, direct.frequency));
  const torch::Tensor analytic = data::load_tensor(dir_ + "/k/analytic.pt");
  EXPECT_TRUE(analytic.is_complex());
  // The real part of the analytic kernels is the kernels themselves.
  EXPECT_LT(test::relative_error(torch::real(analytic), w.to(torch::kFloat64)), test::kTolFloat64);
  for (const char* file : {"kernels.csv", "analytic.pt", "kernels.png", "spectra.png"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/k/" + file)) << file;
  }
}

TEST_F(KernelStudyTest, MistakesAreNamed) {
  data::save_tensor(dir_ + "/v.pt", torch::randn({4, 4}));
  KernelStudyOptions o;
  o.input = dir_ + "/v.pt", o.out = dir_ + "/k";
  EXPECT_THROW_WITH(study_kernels(o), "holds no 4-D floating-point tensor");
  o.layer = "conv1";
  EXPECT_THROW_WITH(study_kernels(o), "no tensor named conv1");
}

}  // namespace
}  // namespace wavetwin::study

// Keras' Adam update of one float32 variable from a dense gradient, in one pass.
//
// Keras (2.12, what Rasa 3.6 trains with) updates a variable with about a dozen TensorFlow
// operations, each a pass over the whole variable and its two slots:
//   m += (g - m) * (1 - beta_1); v += (g * g - v) * (1 - beta_2);
//   var -= (m * alpha) / (sqrt(v) + epsilon).
// This kernel does the same operations, in the same order, each rounded to float as
// TensorFlow rounds it, element by element in one pass: the same bits, from fewer reads and
// writes of memory. It must be compiled without contracting a multiply and an add into one
// fused multiply-add (-ffp-contract=off) and without fast math; scripts/nlu-ops.sh does,
// and dalil_fast_training checks the result against Keras' own before using it. It is
// compiled with -fno-trapping-math, without which GCC keeps the regularised loop below scalar
// (the penalty's multiplication sits behind a condition): 7 times slower.
//
// DalilRegularisedAdamUpdate first adds an L2 penalty's gradient as Rasa's training step
// does (rasa/utils/tensorflow/models.py, RasaModel.train_step): where the loss's gradient g
// is above 0, the penalty's, w * c (Keras' L2 of factor l: c = 2 * l, the derivative of
// l * sum(w * w)), is added to it; elsewhere 0 is. Rasa builds that from four more passes
// over the variable (the penalty's gradient, the comparison, zeros and the choice) and one
// for the sum; here it is part of the same pass, from the same operations on each element.
#define EIGEN_USE_THREADS

#include <cmath>
#include <cstdint>

#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/shape_inference.h"
#include "tensorflow/core/kernels/training_op_helpers.h"
#include "tensorflow/core/util/work_sharder.h"

namespace {

using CPU = Eigen::ThreadPoolDevice;
using tensorflow::OpKernelContext;
using tensorflow::Tensor;

// The inputs both operations share: the variable, its two slots, the gradient and Adam's
// scalars.
#define DALIL_ADAM_INPUTS                 \
  Input("var: resource")                  \
      .Input("m: resource")               \
      .Input("v: resource")               \
      .Input("grad: float")               \
      .Input("alpha: float")              \
      .Input("one_minus_beta_1: float")   \
      .Input("one_minus_beta_2: float")   \
      .Input("epsilon: float")

REGISTER_OP("DalilAdamUpdate")
    .DALIL_ADAM_INPUTS
    .SetShapeFn(tensorflow::shape_inference::NoOutputs)
    .Doc("Keras' Adam update of var and its slots m and v, in one pass.");

REGISTER_OP("DalilRegularisedAdamUpdate")
    .DALIL_ADAM_INPUTS
    .Input("penalty: float")
    .SetShapeFn(tensorflow::shape_inference::NoOutputs)
    .Doc("Rasa's L2 penalty's gradient added where grad > 0, then Keras' Adam, in one pass.");

template <bool kRegularised>
class DalilAdamUpdate : public tensorflow::OpKernel {
 public:
  explicit DalilAdamUpdate(tensorflow::OpKernelConstruction* context) : OpKernel(context) {}

  void Compute(OpKernelContext* ctx) override {
    // The three variables are locked, in a fixed order, as TensorFlow's own optimizers do.
    auto locks = tensorflow::MaybeLockVariableInputMutexesInOrder<CPU, float>(
        ctx, /*do_lock=*/true, /*sparse=*/false, {0, 1, 2});
    Tensor var, m, v;
    OP_REQUIRES_OK(ctx, Variable(ctx, 0, &var));
    OP_REQUIRES_OK(ctx, Variable(ctx, 1, &m));
    OP_REQUIRES_OK(ctx, Variable(ctx, 2, &v));
    const Tensor& grad = ctx->input(3);
    OP_REQUIRES(ctx,
                var.shape() == grad.shape() && m.shape() == grad.shape() &&
                    v.shape() == grad.shape(),
                tensorflow::errors::InvalidArgument("var, m, v and grad differ in shape: ",
                                                    var.shape().DebugString(), " ",
                                                    grad.shape().DebugString()));
    const int scalars = kRegularised ? 9 : 8;
    for (int scalar = 4; scalar < scalars; ++scalar) {
      OP_REQUIRES(ctx, tensorflow::TensorShapeUtils::IsScalar(ctx->input(scalar).shape()),
                  tensorflow::errors::InvalidArgument("input ", scalar, " is not a scalar"));
    }
    const float alpha = ctx->input(4).scalar<float>()();
    const float c1 = ctx->input(5).scalar<float>()();
    const float c2 = ctx->input(6).scalar<float>()();
    const float epsilon = ctx->input(7).scalar<float>()();
    const float penalty = kRegularised ? ctx->input(8).scalar<float>()() : 0.0f;
    float* w = var.flat<float>().data();
    float* first = m.flat<float>().data();
    float* second = v.flat<float>().data();
    const float* g = grad.flat<float>().data();
    auto update = [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        float gi = g[i];
        if (kRegularised) gi = gi + (gi > 0.0f ? w[i] * penalty : 0.0f);
        const float mi = first[i] + (gi - first[i]) * c1;
        const float vi = second[i] + (gi * gi - second[i]) * c2;
        first[i] = mi;
        second[i] = vi;
        w[i] = w[i] - (mi * alpha) / (std::sqrt(vi) + epsilon);
      }
    };
    auto* workers = ctx->device()->tensorflow_cpu_worker_threads();
    tensorflow::Shard(workers->num_threads, workers->workers, grad.NumElements(),
                      /*cost_per_unit=*/32, update);
  }

 private:
  static tensorflow::Status Variable(OpKernelContext* ctx, int input, Tensor* out) {
    return tensorflow::GetInputTensorFromVariable<CPU, float>(ctx, input, /*lock_held=*/true,
                                                              /*sparse=*/false, out);
  }
};

REGISTER_KERNEL_BUILDER(Name("DalilAdamUpdate").Device(tensorflow::DEVICE_CPU),
                        DalilAdamUpdate<false>);
REGISTER_KERNEL_BUILDER(Name("DalilRegularisedAdamUpdate").Device(tensorflow::DEVICE_CPU),
                        DalilAdamUpdate<true>);

}  // namespace

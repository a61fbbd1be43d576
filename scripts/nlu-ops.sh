#!/usr/bin/env bash
# Compile Dalil's TensorFlow operations for the Rasa virtualenv at $1 (its TensorFlow's headers
# and library), into $1/lib. Used by training only (nlu/rasa/components/dalil_fast_training.py);
# a few seconds. No fused multiply-add and no fast math: the results must be TensorFlow's own.
set -euo pipefail
venv=${1:-.venv-nlu}
if ! command -v g++ >/dev/null; then
  echo "==> Installing Debian's g++ for Dalil's TensorFlow operation"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++
fi
flags=$("$venv/bin/python" - <<'PY' 2>/dev/null
import tensorflow as tf
print(" ".join(tf.sysconfig.get_compile_flags() + tf.sysconfig.get_link_flags()))
PY
)
mkdir -p "$venv/lib"
# For any x86-64 (no -march: an image built on one host may train on another); -O3 uses its
# vector instructions, which round each element as the scalar ones do; -ffp-contract=off
# keeps every multiply and add apart. -fno-trapping-math lets the compiler compute the L2
# penalty for every element and keep it where the gradient is above 0, so the regularised
# loop runs on vectors too: with GCC's default it ran one element at a time, 7 times slower
# (10 ms of CPU a step for DIET's 20,473 x 64 kernel here). It changes no result, only
# whether an operation may raise a floating-point exception flag, which nothing reads.
# shellcheck disable=SC2086
g++ -std=c++17 -shared -fPIC -O3 -ffp-contract=off -fno-math-errno -fno-trapping-math \
  nlu/rasa/components/dalil_adam.cc -o "$venv/lib/dalil_adam.so.tmp" $flags
mv "$venv/lib/dalil_adam.so.tmp" "$venv/lib/dalil_adam.so"
echo "Built $venv/lib/dalil_adam.so"

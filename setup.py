"""Builds neuroevo._core with CMake for `pip install --no-build-isolation .` (see pyproject.toml).

The compiled module comes from the CMake target `neuroevo_python`: an existing configured build directory
(NEUROEVO_BUILD_DIR, default build/) is reused and brought up to date; otherwise a fresh one is configured
in build-python/. Nothing is downloaded.
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

ROOT = os.path.dirname(os.path.abspath(__file__))


class BuildWithCMake(build_py):
    def run(self):
        super().run()
        build_dir = os.environ.get("NEUROEVO_BUILD_DIR", os.path.join(ROOT, "build"))
        if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
            build_dir = os.path.join(ROOT, "build-python")
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                                   f"-DPython_EXECUTABLE={sys.executable}", "-DNEUROEVO_BUILD_TESTS=OFF",
                                   "-DNEUROEVO_BUILD_BENCH=OFF"])
        jobs = os.environ.get("NEUROEVO_BUILD_JOBS", "2")
        subprocess.check_call(["cmake", "--build", build_dir, "-j", jobs, "--target", "neuroevo_python"])
        modules = glob.glob(os.path.join(build_dir, "python", "neuroevo", "_core*.so"))
        if not modules:
            raise RuntimeError(f"no neuroevo._core module in {build_dir}/python/neuroevo")
        target = os.path.join(self.build_lib, "neuroevo")
        os.makedirs(target, exist_ok=True)
        for m in modules:
            shutil.copy2(m, target)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithCMake}, distclass=BinaryDistribution,
      package_data={"neuroevo": ["*.pyi", "py.typed"]})

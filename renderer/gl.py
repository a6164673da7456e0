"""Choose the headless OpenGL platform before PyOpenGL (and so pyrender) is first imported.

PyOpenGL binds its platform once, at its first import, so the choice must come first:
an existing PYOPENGL_PLATFORM is honoured; otherwise EGL (Mesa llvmpipe on CPU, the NVIDIA
driver on GPU) when a device is found, else OSMesa.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

ENV = "PYOPENGL_PLATFORM"


class PlatformError(RuntimeError):
    """No headless OpenGL platform can be used."""


def _egl_has_device() -> bool:
    # Probe with plain ctypes: importing PyOpenGL here would bind its platform too early.
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("EGL") or "libEGL.so.1")
    except OSError:
        return False
    get_proc = lib.eglGetProcAddress
    get_proc.restype = ctypes.c_void_p
    get_proc.argtypes = [ctypes.c_char_p]
    address = get_proc(b"eglQueryDevicesEXT")
    if not address:
        return False
    query = ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.c_int, ctypes.c_void_p,
                             ctypes.POINTER(ctypes.c_int))(address)
    count = ctypes.c_int(0)
    return bool(query(0, None, ctypes.byref(count))) and count.value > 0


def _osmesa_present() -> bool:
    return ctypes.util.find_library("OSMesa") is not None


def _share_cores_with_the_writer() -> None:
    # The render stage runs two threads (GL, and a writer for flow and files); llvmpipe's own
    # rasterizer threads share the cores with the writer, one core left to it where there
    # are more than two. On two cores GL is the longer of the two threads, so it takes both:
    # measured there, a court shot with surroundings, patterns and anti-aliasing went from
    # 165 to 119 ms a frame (and a plain one from 57 to 51). llvmpipe reads this at start.
    cores = os.cpu_count() or 1
    os.environ.setdefault("LP_NUM_THREADS", "0" if cores <= 1 else str(max(2, cores - 1)))


def select_platform() -> str:
    """Set PYOPENGL_PLATFORM (honouring an existing value) and return it."""
    _share_cores_with_the_writer()
    chosen = os.environ.get(ENV)
    if chosen:
        return chosen
    if "OpenGL" in sys.modules:
        raise PlatformError(
            "PyOpenGL was imported before renderer.gl could choose a platform; "
            f"set {ENV}=egl (or osmesa) in the environment")
    if _egl_has_device():
        chosen = "egl"
    elif _osmesa_present():
        chosen = "osmesa"
    else:
        raise PlatformError(
            "no headless OpenGL: EGL found no device and OSMesa is not installed "
            "(install Mesa's libegl1 or libosmesa6, or set PYOPENGL_PLATFORM)")
    os.environ[ENV] = chosen
    return chosen

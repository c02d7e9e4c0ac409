"""PyTorch oracle for ConvVerify: one code path for live checks (called in-process from C# through
pythonnet) and for fixture generation (C# drives it and writes the .npy pack).

A problem is a dict with PyTorch semantics (see docs/fixture-format.md):
  rank, mb, groups, ic, oc, input, kernel, output, stride, pad_begin, pad_end, dilation, bias, dtype
  (float32, float64, or bfloat16/float16, whose tensors cross as float32 holding only their values),
  and memory_format: "contiguous" or "channels_last", the layout torch computes in.
pad_end may be negative: F.pad with a negative amount crops trailing input elements, which is how a
benchdnn descriptor whose deduced right padding is below zero is reproduced.
"""
import torch
import torch.nn.functional as F

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_DTYPES = {"float32": torch.float32, "float64": torch.float64}
# Narrow dtypes cross from C# as float32 tensors holding only their values (as .npy packs hold their bits):
# they are converted exactly, torch computes in them, and the results come back as float32, exactly.
_NARROW = {"bfloat16": torch.bfloat16, "float16": torch.float16}


def versions():
    """Versions that go into a pack's manifest: what decides the bits of torch's results. The CPU is one of them:
    torch and oneDNN pick their kernels by instruction set, and float32 results on an AVX2 machine differ in the last
    bits from those on an AVX-512 machine (another summation order), bfloat16 ones by whole ulps (see narrow_support).
    The BLAS library is another (see blas_library)."""
    import numpy
    return {"torch": torch.__version__, "numpy": numpy.__version__, "blas": blas_library(), "cpu": cpu_kernels()}


def blas_provider(symbol="dgemm_"):
    """The real path of the file whose `symbol` torch's GEMM calls reach, or None where torch carries its own or none:
    looked up as the dynamic linker binds libtorch_cpu's calls, the global scope first (LD_PRELOAD, the interpreter,
    libraries loaded RTLD_GLOBAL), then libtorch_cpu's own dependencies. Not by file names in the memory map: numpy's
    bundled OpenBLAS is mapped too, and torch never calls it."""
    import ctypes
    import os

    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]

    scope = ctypes.CDLL(None)
    # In the C library since glibc 2.34, in libdl before.
    dladdr = getattr(scope, "dladdr", None) or ctypes.CDLL("libdl.so.2").dladdr
    dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]
    dladdr.restype = ctypes.c_int
    torch_cpu = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
    for handle in (scope, ctypes.CDLL(torch_cpu)):
        function = getattr(handle, symbol, None)
        info = DlInfo()
        if function is not None and dladdr(ctypes.cast(function, ctypes.c_void_p), ctypes.byref(info)) and info.dli_fname:
            return os.path.realpath(info.dli_fname.decode())
    return None


def blas_library(config=None, provider=None, load=None):
    """The BLAS torch's im2col convolutions sum in, as "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64" or
    "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0" (the file: Debian keeps each implementation of libblas.so.3 in
    a folder of its own, "blas" the reference one). torch built with BLAS_INFO=generic (Debian's) calls whichever
    library the dynamic linker resolves libblas.so.3 to, and its float64 convolutions and float32 1x1 ones are GEMM
    calls: swapping the reference BLAS for OpenBLAS changes their bits (and made float64 8-21x faster). Where torch
    carries its own (MKL in PyPI's wheels), it is named from torch.__config__.show().
    config, provider (blas_provider) and load (ctypes.CDLL) are parameters for tests."""
    import ctypes
    import os
    import re
    config = torch.__config__.show() if config is None else config
    provider = blas_provider if provider is None else provider
    load = ctypes.CDLL if load is None else load
    info = re.search(r"BLAS_INFO=(\w+)", config)
    info = info.group(1) if info else "unknown"
    try:
        path = provider()
    except (OSError, AttributeError):
        return f"unknown (BLAS_INFO={info})"
    if path is None or os.path.basename(path).startswith("libtorch"):
        mkl = re.search(r"Math Kernel Library Version (\S+)", config)
        return f"built in: {'MKL ' + mkl.group(1) if mkl else 'none found'} (BLAS_INFO={info})"
    try:
        get = getattr(load(path), "openblas_get_config", None)
    except (OSError, AttributeError):
        get = None
    if get is None:
        return path
    get.restype = ctypes.c_char_p
    return get().decode().strip()


# oneDNN's CPU instruction sets, most capable first, each with the /proc/cpuinfo flags it needs (oneDNN's cpu_isa_traits).
_ONEDNN_ISA = [
    ("avx512_core_amx", {"amx_tile", "amx_bf16", "amx_int8", "avx512_bf16", "avx512_vnni", "avx512f", "avx512bw", "avx512vl", "avx512dq"}),
    ("avx512_core_bf16", {"avx512_bf16", "avx512_vnni", "avx512f", "avx512bw", "avx512vl", "avx512dq"}),
    ("avx512_core_vnni", {"avx512_vnni", "avx512f", "avx512bw", "avx512vl", "avx512dq"}),
    ("avx512_core", {"avx512f", "avx512bw", "avx512vl", "avx512dq"}),
    ("avx2", {"avx2", "fma"}),
    ("sse41", {"sse4_1"}),
]


def cpu_kernels(cpuinfo="/proc/cpuinfo", config=None, environ=None):
    """The kernels torch runs here, as "ATen AVX2, oneDNN avx2": ATen's CPU capability (torch.__config__.show()) and
    the instruction set oneDNN picks from the CPU's flags, capped by ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) when
    set. Where the flags cannot be read (not Linux) oneDNN's part is "unknown", so no two machines look the same."""
    import os
    import re
    environ = os.environ if environ is None else environ
    config = torch.__config__.show() if config is None else config
    m = re.search(r"CPU capability usage: (\S+)", config)
    aten = m.group(1) if m else "unknown"
    try:
        with open(cpuinfo) as f:
            flags = next((set(line.split(":", 1)[1].split()) for line in f if line.startswith("flags")), None)
    except OSError:
        flags = None
    isa = "unknown" if flags is None else next((name for name, need in _ONEDNN_ISA if need <= flags), "default")
    cap = environ.get("ONEDNN_MAX_CPU_ISA") or environ.get("DNNL_MAX_CPU_ISA")
    return f"ATen {aten}, oneDNN {isa}" + (f" (capped at {cap})" if cap else "")


def dtype_of(name):
    if name not in _DTYPES:
        raise ValueError(f"dtype: expected one of {sorted(_DTYPES)}, got {name!r}")
    return _DTYPES[name]


def narrow_support(rank, dtype, memory_format="contiguous"):
    """"" when torch runs conv{rank}d forward and backward on CPU in the narrow dtype, summing in float32 and rounding
    each result once; else why not, as the rest of a sentence that starts "torch <version> ": torch's own error text
    where it has no such kernel, or the first direction of an integer probe whose result is not its float32 sum
    rounded once (torch 1.13 on a CPU without AVX-512 has no oneDNN bfloat16 kernels and sums in bfloat16). In
    memory_format, which picks other kernels (on such a CPU channels-last y sums in float32, its dx and dw do not).
    Ungrouped, and its answer stands for grouped and depthwise problems too: measured, torch 1.13 picks its bfloat16
    kernels by the CPU, not the groups (the evidence is in TorchOracle.NarrowSupport)."""
    # As compute: the answer is about the kernels compute runs, and those may differ with the thread count.
    torch.set_num_threads(1)
    t = _NARROW[dtype]
    try:
        x = torch.ones((1, 1) + (2,) * int(rank), dtype=t, requires_grad=True)
        w = torch.ones((1, 1) + (1,) * int(rank), dtype=t, requires_grad=True)
        b = torch.ones((1,), dtype=t, requires_grad=True)
        _CONV[int(rank)](x, w, b).sum().backward()
    except Exception as e:  # torch's reason is the point: "slow_conv2d_cpu" not implemented for 'Half'
        return f"has no CPU conv{rank}d in {dtype}: {type(e).__name__}: {e}"
    return _sums_in_float32(int(rank), t, memory_format)


def layout_support(rank, dtype, memory_format, depthwise=False, unit_kernel=False, one_channel=False):
    """"" when torch computes conv{rank}d of this kind in dtype in memory_format, as far as its result shows; else why
    not, as the rest of a sentence that starts "torch <version> ". torch picks a channels-last kernel by its inputs'
    strides, and where it has none takes channels-last inputs without a word and computes in NC(D)(H)W: measured, its y
    then comes back contiguous and equal bit for bit to the NCHW y. A channels-last kernel writes y with channels
    innermost. Which kernel torch picks depends on the problem's kind too, so the probe is a tiny problem of the kind
    asked: depthwise (groups > 1, one input channel per group: here groups = channels = 2), one input channel (ungrouped,
    ic 1: torch cannot tell a channels-last x or w from a contiguous one then), a unit kernel (1 in every spatial dim),
    or none of these (ungrouped, 2 channels, a 3-wide kernel). Measured (torch 1.13.0a0, CPU, float32, float64,
    bfloat16): conv3d computes in NCDHW whatever the kind; conv1d in NCW when depthwise, with one input channel or with a
    1-wide kernel; conv2d in NCHW with one input channel, in channels-last when depthwise or 1x1. The reason names the
    kind only where the rank's ordinary problem computes in the layout; where it does not, the rank's reason is given.
    A dtype torch has no kernel for answers "": narrow_support says so, and those cases are not computed at all."""
    if memory_format == "contiguous":
        return ""
    if memory_format != "channels_last":
        raise ValueError(f"memory_format: expected 'contiguous' or 'channels_last', got {memory_format!r}")
    if depthwise and one_channel:
        raise ValueError("depthwise and one_channel: a depthwise problem has groups > 1, one with one input channel groups 1")
    torch.set_num_threads(1)
    rank = int(rank)
    t = _NARROW.get(dtype) or dtype_of(dtype)
    ic = 1 if one_channel else 2
    groups = 2 if depthwise else 1
    k = 1 if unit_kernel else 3
    # y is (1, 2, 2 or 4, ...): 2 output channels and no spatial size 1, so a contiguous y and a channels-last one
    # have different strides.
    x = channels_last(torch.ones((1, ic) + (4,) * rank, dtype=t))
    w = channels_last(torch.ones((2, ic // groups) + (k,) * rank, dtype=t))
    try:
        y = _CONV[rank](x, w, groups=groups)
    except RuntimeError as e:
        # No kernel for the dtype ("slow_conv2d_cpu" not implemented for 'Half'): narrow_support says so. Anything else
        # (out of memory, a broken install) is torch failing, not an answer that it computes in the layout.
        if "not implemented for" in str(e):
            return ""
        raise
    # Channels innermost means stride 1 on dim 1, which a contiguous y (stride 2^rank or more) never has.
    if y.stride(1) == 1:
        return ""
    # A rank with no channels-last kernel at all (torch 1.13: conv3d) is one reason for every kind of it, so its cases
    # make one warning, not one per kind.
    kind = depthwise or unit_kernel or one_channel
    if kind and layout_support(rank, dtype, memory_format):
        depthwise = unit_kernel = one_channel = False
    how = "contiguous" if y.is_contiguous() else f"with strides {tuple(y.stride())}"
    return (f"computes {_kind(rank, depthwise, unit_kernel, one_channel)} in NC{'DHW'[3 - rank:]} whatever the input's "
            f"layout (from channels-last x and w, y came back {how})")


def _kind(rank, depthwise, unit_kernel, one_channel):
    # "depthwise conv1d with a 1-wide kernel", "conv2d with one input channel and a 1x1 kernel", "conv3d"
    unit = {1: "1-wide", 2: "1x1", 3: "1x1x1"}[rank]
    parts = (["one input channel"] if one_channel else []) + ([f"a {unit} kernel"] if unit_kernel else [])
    return ("depthwise " if depthwise else "") + f"conv{rank}d" + (" with " + " and ".join(parts) if parts else "")


def _sums_in_float32(rank, t, memory_format):
    # Integers up to 16 in magnitude are exact in bfloat16 and float16, their products exact in float32, and every
    # sum here stays far below 2^24: float32 gets the exact sum in any order, so its one rounding is the only answer a
    # float32 accumulator can give. Partial sums pass 256 in magnitude all the time, where bfloat16 (8 bits) holds
    # only even integers: an accumulator that rounds them shows within a few elements.
    g = torch.Generator().manual_seed(20261129)
    spatial = {1: (40,), 2: (10, 10), 3: (6, 6, 6)}[rank]
    ints = lambda *shape: torch.randint(-16, 17, shape, generator=g).to(torch.float32)
    x, w, b = ints(2, 32, *spatial), ints(32, 32, *((3,) * rank)), ints(32)
    y32 = _CONV[rank](x, w, b)
    dy = ints(*y32.shape)
    got, want = [], []
    for dtype, out in ((t, got), (torch.float32, want)):
        xs, ws, bs = (v.to(dtype) for v in (x, w, b))
        d = dy.to(dtype)
        if memory_format == "channels_last":
            xs, ws, d = channels_last(xs), channels_last(ws), channels_last(d)
        xs, ws, bs = (v.detach().requires_grad_() for v in (xs, ws, bs))
        y = _CONV[rank](xs, ws, bs)
        y.backward(d)
        out += [y, xs.grad, ws.grad, bs.grad]
    for name, g_, w_ in zip(("y", "dx", "dw", "db"), got, want):
        rounded = w_.to(t)
        differ = (g_ != rounded).nonzero()
        if len(differ):
            at = tuple(differ[0].tolist())
            layout = "" if memory_format == "contiguous" else f" ({memory_format.replace('_', '-')})"
            return (f"sums CPU conv{rank}d{layout} in {str(t).replace('torch.', '')} without a float32 accumulator on this CPU "
                    f"({cpu_kernels()}): on integer data, {int(len(differ))} of {g_.numel()} elements of {name} are not "
                    f"their exact sum rounded once, e.g. {name}{list(at)} = {g_[at].item():g}, exact {w_[at].item():g}")
    return ""


def _narrow(t, name, dtype):
    n = t.to(dtype)
    if not torch.equal(n.to(torch.float32), t):
        raise ValueError(f"{name}: holds values that are not {dtype} values")
    return n


def empty(shape, dtype):
    """A contiguous tensor for C# to fill through data_ptr()."""
    return torch.empty(tuple(int(d) for d in shape), dtype=dtype_of(dtype))


def channels_last(t):
    """The same values with channels innermost in memory (torch.channels_last for 4-D, channels_last_3d for 5-D,
    and the same stride order for 3-D), so torch picks its channels-last kernels."""
    order = [0] + list(range(2, t.dim())) + [1]
    inverse = [order.index(d) for d in range(t.dim())]
    return t.permute(order).contiguous().permute(inverse)


def _check_shape(name, t, expected):
    if tuple(t.shape) != expected:
        raise ValueError(f"{name}: given a tensor of shape {tuple(t.shape)}, the problem says {expected}")


def compute(problem, x, w, b, dy):
    """Returns (y, dx, dw, db) of y = conv(F.pad(x), w, b) and its gradients for the upstream gradient dy.

    db is None without bias. Every result is contiguous, so its data_ptr() reads as C order."""
    # Bitwise reproducibility: dw and db differ between 1 and 2 intra-op threads, and a thread that
    # pythonnet calls from inherits whatever count torch picked; set it on every call.
    torch.set_num_threads(1)
    rank = int(problem["rank"])
    if rank not in _CONV:
        raise ValueError(f"rank: expected 1, 2 or 3, got {rank}")
    # The tensors must be the problem's: torch would broadcast or reinterpret some mismatches without a word.
    mb, ic, oc, groups = int(problem["mb"]), int(problem["ic"]), int(problem["oc"]), int(problem["groups"])
    expected = tuple([mb, oc] + [int(v) for v in problem["output"]])
    _check_shape("x", x, tuple([mb, ic] + [int(v) for v in problem["input"]]))
    _check_shape("w", w, tuple([oc, ic // groups] + [int(v) for v in problem["kernel"]]))
    _check_shape("dy", dy, expected)
    narrow = _NARROW.get(problem["dtype"])
    if narrow is not None:
        x, w, dy = _narrow(x, "x", narrow), _narrow(w, "w", narrow), _narrow(dy, "dy", narrow)
        if problem["bias"]:
            b = _narrow(b, "b", narrow)
    memory_format = problem["memory_format"]
    if memory_format == "channels_last":
        x, w, dy = channels_last(x), channels_last(w), channels_last(dy)
    elif memory_format != "contiguous":
        raise ValueError(f"memory_format: expected 'contiguous' or 'channels_last', got {memory_format!r}")
    x = x.detach().requires_grad_(True)
    w = w.detach().requires_grad_(True)
    b = b.detach().requires_grad_(True) if problem["bias"] else None
    # F.pad lists (begin, end) pairs from the last dim backwards.
    pads = []
    for d in reversed(range(rank)):
        pads += [int(problem["pad_begin"][d]), int(problem["pad_end"][d])]
    xp = F.pad(x, pads) if any(pads) else x
    y = _CONV[rank](xp, w, b, stride=tuple(problem["stride"]), padding=0,
                    dilation=tuple(problem["dilation"]), groups=groups)
    if tuple(y.shape) != expected:
        raise ValueError(f"torch produced y of shape {tuple(y.shape)}, the problem says {expected}")
    y.backward(dy)
    db = b.grad.contiguous() if b is not None else None
    y, dx, dw = y.detach(), x.grad, w.grad
    if narrow is not None:
        y, dx, dw = y.float(), dx.float(), dw.float()
        db = db.float() if db is not None else None
    # Whatever layout torch computed in, results go back in C order, as the data_ptr copy reads them.
    return y.contiguous(), dx.contiguous(), dw.contiguous(), db

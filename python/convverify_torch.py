"""PyTorch oracle for ConvVerify: one code path for live checks (called in-process from C# through
pythonnet) and for fixture generation (C# drives it and writes the .npy pack).

A problem is a dict with PyTorch semantics (see docs/fixture-format.md):
  rank, mb, groups, ic, oc, input, kernel, stride, pad_begin, pad_end, dilation, bias, dtype
  (float32, float64, or bfloat16/float16, whose tensors cross as float32 holding only their values),
  and optionally memory_format: "contiguous" (default) or "channels_last", the layout torch computes in.
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
    """Versions that go into a pack's manifest."""
    import numpy
    return {"torch": torch.__version__, "numpy": numpy.__version__}


def dtype_of(name):
    if name not in _DTYPES:
        raise ValueError(f"dtype: expected one of {sorted(_DTYPES)}, got {name!r}")
    return _DTYPES[name]


def narrow_support(rank, dtype):
    """"" when torch runs conv{rank}d forward and backward on CPU in the narrow dtype, else torch's own error text."""
    try:
        t = _NARROW[dtype]
        x = torch.ones((1, 1) + (2,) * int(rank), dtype=t, requires_grad=True)
        w = torch.ones((1, 1) + (1,) * int(rank), dtype=t, requires_grad=True)
        b = torch.ones((1,), dtype=t, requires_grad=True)
        _CONV[int(rank)](x, w, b).sum().backward()
        return ""
    except Exception as e:  # torch's reason is the point: "slow_conv2d_cpu" not implemented for 'Half'
        return f"{type(e).__name__}: {e}"


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


def compute(problem, x, w, b, dy):
    """Returns (y, dx, dw, db) of y = conv(F.pad(x), w, b) and its gradients for the upstream gradient dy.

    db is None without bias. Every result is contiguous, so its data_ptr() reads as C order."""
    # Bitwise reproducibility: dw and db differ between 1 and 2 intra-op threads, and a thread that
    # pythonnet calls from inherits whatever count torch picked; set it on every call.
    torch.set_num_threads(1)
    rank = int(problem["rank"])
    if rank not in _CONV:
        raise ValueError(f"rank: expected 1, 2 or 3, got {rank}")
    narrow = _NARROW.get(problem["dtype"])
    if narrow is not None:
        x, w, dy = _narrow(x, "x", narrow), _narrow(w, "w", narrow), _narrow(dy, "dy", narrow)
        if problem["bias"]:
            b = _narrow(b, "b", narrow)
    memory_format = problem.get("memory_format", "contiguous")
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
                    dilation=tuple(problem["dilation"]), groups=int(problem["groups"]))
    expected = tuple([int(problem["mb"]), int(problem["oc"])] + [int(v) for v in problem["output"]])
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

namespace ConvVerify.Problems;

/// <summary>One spatial dim of a problem: input, kernel, stride, begin padding, dilation, output (unit extents for dims the rank lacks).</summary>
internal readonly record struct SpatialDim(int In, int K, int S, int Pb, int Dil, int Out);

"""A static bounding-box tree over the mass nodes, in flat arrays: the index of the straight-line fallback.

The points are sorted along a Z-order curve and cut into leaves of at most ``leaf_size``
consecutive points; a complete binary tree over the leaves (node ``i`` has children ``2i + 1`` and
``2i + 2``, the leaves are the last ``n_leaves`` nodes) holds each subtree's bounding box and the
road component shared by all its points (-1 when they differ). Built once per search call in
O(P log P) numpy, no Python loop per point; both kernels walk it best-first, nearest box first,
skipping subtrees whose points all lie in the source's own component.

Examples
--------
>>> tree = point_tree(np.array([4, 7, 9]), np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 3.0]]),
...                   np.array([0, 1, 1]), leaf_size=2)
>>> tree.box_component.tolist(), tree.box[0].tolist()
([-1, 0, 1], [0.0, 0.0, 5.0, 3.0])
>>> leaf_range(2, len(tree.box_component), len(tree.point_node))
(1, 3)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

LEAF_SIZE = 8
"""Most points per leaf: a leaf's points are pushed on the stream's heap together."""


class PointTree(NamedTuple):
    """The tree's flat arrays; ``T = 2 * n_leaves - 1`` boxes over ``P`` points."""

    point_node: npt.NDArray[np.int64]
    """(P,) graph node of each point, in tree order."""
    point_xy: npt.NDArray[np.float64]
    """(P, 2) coordinates of each point."""
    point_component: npt.NDArray[np.int64]
    """(P,) road component of each point."""
    box: npt.NDArray[np.float64]
    """(T, 4) bounding box of each subtree: x min, y min, x max, y max."""
    box_component: npt.NDArray[np.int64]
    """(T,) the component of all points of the subtree, or -1 when they differ."""


def point_tree(
    nodes: npt.NDArray[np.int64],
    xy: npt.NDArray[np.float64],
    component: npt.NDArray[np.int64],
    leaf_size: int = LEAF_SIZE,
) -> PointTree:
    """The tree over points ``nodes`` at ``xy`` (finite) in road components ``component``.

    With ``leaf_size >= 2`` every leaf holds between ``leaf_size / 2`` and ``leaf_size`` points.
    """
    if leaf_size < 2:
        raise ValueError(f"leaf_size must be at least 2, not {leaf_size}")
    n_points = len(nodes)
    if n_points == 0:
        return PointTree(nodes, xy.reshape(0, 2), component, np.zeros((0, 4)), np.zeros(0, np.int64))
    order = np.argsort(morton_codes(xy), kind="stable")
    point_xy = np.ascontiguousarray(xy[order])
    point_component = component[order]
    n_leaves = 1 << max(0, int(np.ceil(np.log2(n_points / leaf_size))))
    starts = np.arange(n_leaves, dtype=np.int64) * n_points // n_leaves  # leaf_range, vectorised
    levels = [_leaf_boxes(point_xy, point_component, starts)]
    while len(levels[-1][0]) > 1:
        levels.append(_parent_boxes(*levels[-1]))
    box = np.concatenate([level[0] for level in reversed(levels)])
    box_component = np.concatenate([level[1] for level in reversed(levels)])
    return PointTree(nodes[order], point_xy, point_component, box, box_component)


def leaf_range(box: int, n_boxes: int, n_points: int) -> tuple[int, int]:
    """The points ``start:end`` of leaf ``box``, as the kernels compute them."""
    n_leaves = (n_boxes + 1) // 2
    k = box - (n_leaves - 1)
    return k * n_points // n_leaves, (k + 1) * n_points // n_leaves


def morton_codes(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.uint64]:
    """Z-order (Morton) codes of the points on a 65 536 × 65 536 grid over their common extent."""
    low = np.nanmin(xy, axis=0)
    span = max(float(np.nanmax(xy - low)), 1e-9)
    cells = np.nan_to_num((xy - low) / span * 65535).astype(np.uint64)
    return _spread_bits(cells[:, 0]) | (_spread_bits(cells[:, 1]) << np.uint64(1))


def _spread_bits(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Put a zero bit between each of the 16 low bits of ``v``."""
    v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
    v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
    v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
    return (v | (v << np.uint64(1))) & np.uint64(0x55555555)


def _leaf_boxes(
    xy: npt.NDArray[np.float64], component: npt.NDArray[np.int64], starts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    low = np.column_stack([np.minimum.reduceat(xy[:, 0], starts), np.minimum.reduceat(xy[:, 1], starts)])
    high = np.column_stack([np.maximum.reduceat(xy[:, 0], starts), np.maximum.reduceat(xy[:, 1], starts)])
    same = np.minimum.reduceat(component, starts) == np.maximum.reduceat(component, starts)
    return np.hstack([low, high]), np.where(same, component[starts], -1)


def _parent_boxes(
    box: npt.NDArray[np.float64], component: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    left, right = box[0::2], box[1::2]
    parent = np.hstack([np.minimum(left[:, :2], right[:, :2]), np.maximum(left[:, 2:], right[:, 2:])])
    return parent, np.where(component[0::2] == component[1::2], component[0::2], -1)

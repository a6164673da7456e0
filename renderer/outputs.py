"""Writes each rendered frame's files and labels on a background thread, so that flow,
encoding and disk writes overlap the next frame's GL work (numpy and the encoder release
the GIL). Frames must be submitted in order.
"""
from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import tifffile
from PIL import Image

from bridge import shot
from bridge.instances import Instance
from bridge.trajectory import Trajectory
from bridge.video import VideoWriter
from renderer.annotations import object_coordinates
from renderer.antialias import smooth_edges
from renderer.camera import CameraTrack
from renderer.flow import forward_backward, poses_at
from renderer.motion_blur import blur
from renderer.passes import FramePasses, boxes_and_counts

QUEUE_FRAMES = 3  # frames in flight; bounds memory while the GL thread runs ahead
PNG_COMPRESS_LEVEL = 1  # segmentation is mostly flat runs: level 1 is small enough and fast


class ShotWriter:
    """Consumes frames in order; collects per-instance boxes and visible pixel counts."""

    def __init__(self, out_dir: Path, passes: frozenset[str], fps: int, camera: CameraTrack,
                 trajectory: Trajectory, instances: list[Instance], body_boxes: np.ndarray,
                 motion_blur: bool = False, smooth: bool = False):
        self.out_dir, self.passes, self.body_boxes = out_dir, passes, body_boxes
        self.motion_blur = motion_blur and "rgb" in passes
        self.smooth = smooth  # the edge filter on colour (renderer/antialias.py)
        self.camera, self.trajectory, self.instances = camera, trajectory, instances
        self.num_ids = max((inst.id for inst in instances), default=0) + 1
        frames = camera.num_frames
        self.boxes = np.full((frames, self.num_ids, 4), -1, dtype=np.int64)
        self.counts = np.zeros((frames, self.num_ids), dtype=np.int64)
        self.busy_s = 0.0
        for name in passes:
            for files in shot.PASS_FILES[name]:
                (out_dir / files.folder).mkdir(parents=True, exist_ok=True)
        self._video = VideoWriter(out_dir / shot.RGB, camera.width, camera.height, fps) \
            if "rgb" in passes else None
        # One worker keeps frames in order; a failure surfaces from its Future.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shot-writer")
        self._pending: deque[Future] = deque()

    def submit(self, frame: int, passes: FramePasses) -> None:
        while len(self._pending) >= QUEUE_FRAMES:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self._timed_write, frame, passes))

    def close(self) -> None:
        """Finish every queued frame and the video; re-raise a failure from the worker."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(cancel_futures=True)
            if self._video is not None:
                self._video.close()

    def _timed_write(self, frame: int, passes: FramePasses) -> None:
        started = time.perf_counter()
        self._write(frame, passes)
        self.busy_s += time.perf_counter() - started

    def _write(self, frame: int, passes: FramePasses) -> None:
        self.boxes[frame], self.counts[frame] = boxes_and_counts(passes.segmentation,
                                                                 self.num_ids)
        flows = None
        if "flow" in self.passes or self.motion_blur:
            flows = forward_backward(passes.depth, passes.segmentation, self.camera,
                                      self.trajectory, self.instances, frame)
        if self._video is not None:
            rgb = smooth_edges(passes.rgb) if self.smooth else passes.rgb
            self._video.write(blur(rgb, *flows) if self.motion_blur else rgb)
        if "depth" in self.passes:
            tifffile.imwrite(shot.DEPTH.path(self.out_dir, frame), passes.depth)
        if "segmentation" in self.passes:
            Image.fromarray(passes.segmentation).save(
                shot.SEGMENTATION.path(self.out_dir, frame), compress_level=PNG_COMPRESS_LEVEL)
        if "normals" in self.passes:
            tifffile.imwrite(shot.NORMALS.path(self.out_dir, frame), passes.normals)
        if "object_coordinates" in self.passes:
            coords = object_coordinates(passes.depth, passes.segmentation, self.camera, frame,
                                        poses_at(self.trajectory, self.instances, frame),
                                        self.body_boxes)
            tifffile.imwrite(shot.OBJECT_COORDINATES.path(self.out_dir, frame), coords)
        if "flow" in self.passes:
            for files, flow in zip((shot.FORWARD_FLOW, shot.BACKWARD_FLOW), flows):
                np.save(files.path(self.out_dir, frame), flow)

    def labels(self) -> tuple[dict[str, list], dict[str, list[int]]]:
        """Per instance name: [F] boxes (list or None) and [F] visible pixel counts."""
        bbox, visibility = {}, {}
        for inst in self.instances:
            boxes = self.boxes[:, inst.id]
            bbox[inst.name] = [None if b[0] < 0 else b.tolist() for b in boxes]
            visibility[inst.name] = self.counts[:, inst.id].tolist()
        return bbox, visibility

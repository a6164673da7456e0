"""A pyrender offscreen renderer tuned for llvmpipe, which also writes instance ids.

pyrender's defaults cost too much on a CPU rasterizer: a 4x multisampled framebuffer, a
36-fetch shadow filter in a shader that loops over empty light arrays, a separate pass for
segmentation, and a 2048^2 shadow map stretched over the scene's bounding box (which the
40 m ground makes centimetres per texel). Here: one sample per pixel, read without a blit;
lean shaders compiled for the scene's exact light counts; the lit pass writes each
instance's id colour to a second colour attachment, so one pass gives colour, depth and ids;
and each sun's shadow map is framed once per shot on the bodies and their shadows.
One sample per pixel also makes depth and ids sample the same point (the pixel centre),
which exact flow needs. Anti-aliased colour comes from a filter on the finished frame
(renderer/antialias.py) or, with `msaa`, from a second, multisampled pass
(renderer/multisample.py) while depth and ids come from the single-sample ids pass.

Instance ids are encoded as 8-bit colours (see renderer/framebuffer.py).

Draw order: opaque meshes, then liquids (a translucent liquid must be under the glass that
holds them: glass writes depth, so a liquid drawn after it would be hidden), then other
translucent meshes back to front, then overlays (water) last. An overlay blends into the
colour only: it writes neither depth nor ids and casts no shadow, so what lies under the
water keeps its depth and id.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from renderer.gl import select_platform

select_platform()  # before the first import of PyOpenGL, which binds the platform once

import pyrender
import pyrender.shader_program
from OpenGL import GL
from pyrender.shader_program import ShaderProgramCache

from renderer.framebuffer import IDS_ATTACHMENT, NORMALS_ATTACHMENT, MainFramebuffer, decode_ids
from renderer.shadows import ShadowView, compare_in_sampler
from renderer.surfaces import Patterns

SHADER_DIR = Path(__file__).parent / "shaders"
SHADOW_MAP_SIZE = 1024
Flags = pyrender.RenderFlags


MARKING_STEP = 4.0  # glPolygonOffset units between coats painted on the floor
_GL_UNIFORM_LOCATION = pyrender.shader_program.glGetUniformLocation


class _ProgramCache(ShaderProgramCache):
    """pyrender's program cache, adding the renderer's own defines (`extra`) to a program's.

    A surface pattern is compiled in (PATTERN) rather than switched by a uniform: llvmpipe
    pays for the texture code of a branch even where no fragment takes it. For the same
    reason the surroundings' walls and furniture, which lie outside every shadow map, are
    compiled without the shadow lookup."""

    def __init__(self, shader_dir: str):
        super().__init__(shader_dir=shader_dir)
        self.extra: dict[str, int | None] = {}  # None takes a define away

    def get_program(self, vertex_shader, fragment_shader, geometry_shader=None, defines=None):
        merged = {**(defines or {}), **self.extra}
        return super().get_program(vertex_shader, fragment_shader, geometry_shader,
                                   {k: v for k, v in merged.items() if v is not None})


class _Renderer(MainFramebuffer, pyrender.Renderer):
    """pyrender's Renderer with the changes above and its main framebuffer's
    (renderer/framebuffer.py); the rest is pyrender's."""

    def __init__(self, width: int, height: int, shadow_size: int):
        super().__init__(width, height)
        self._program_cache = _ProgramCache(str(SHADER_DIR))
        self.shadow_size = shadow_size
        self.shadow_views: dict[pyrender.Node, ShadowView] = {}
        self.id_colors: dict[pyrender.Primitive, np.ndarray] = {}  # in [0, 1]
        self.receivers_only: list[pyrender.Mesh] = []  # left out of the shadow maps
        self.liquids: list[pyrender.Node] = []  # liquid surface meshes, remeshed per frame
        self.remeshed: list[pyrender.Primitive] = []  # changed since the last upload (dents)
        self.overlays: list[pyrender.Node] = []  # drawn last into the colour alone
        self._overlay_primitives: set[pyrender.Primitive] = set()
        self._light_counts = [0, 0, 0]
        self._programs: dict[tuple, pyrender.shader_program.ShaderProgram] = {}
        self._lit_programs: set = set()  # programs whose lighting this pass has bound
        self._uniform_locations: dict[tuple[int, str], int] = {}
        self.patterns: Patterns | None = None
        self._comparing: set[int] = set()  # shadow maps set up for sampler2DShadow
        self.draw_first: dict[pyrender.Node, int] = {}  # opaque nodes drawn first, by rank
        self.unshadowed: set[pyrender.Primitive] = set()  # shaded without the shadow lookup
        self.markings: dict[pyrender.Primitive, float] = {}  # depth offset units (negative)
        self.sky: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.ones(3),) * 3

    def render(self, scene, flags, seg_node_map=None):
        """pyrender's render, asking a cache for uniform locations while it draws.

        pyrender asks GL for a uniform's location on every upload, ~400 times a frame with
        many bodies (a third of the frame on llvmpipe); a linked program's locations never
        change. The lookup is swapped in only for this call, so pyrender stays as it was for
        anything else in the process."""
        module = pyrender.shader_program
        module.glGetUniformLocation = self._uniform_location
        try:
            return super().render(scene, flags, seg_node_map)
        finally:
            module.glGetUniformLocation = _GL_UNIFORM_LOCATION
            self._main_fb_ms = self._main_fb  # pyrender frees both names: never the target

    def _uniform_location(self, program: int, name: str) -> int:
        key = (program, name)
        if key not in self._uniform_locations:
            self._uniform_locations[key] = _GL_UNIFORM_LOCATION(program, name)
        return self._uniform_locations[key]

    def delete(self) -> None:
        if self.patterns is not None:
            self.patterns.delete()
        super().delete()
        self._programs.clear()
        self._uniform_locations.clear()  # GL may hand the deleted programs' ids out again

    def _update_context(self, scene, flags):
        self._light_counts = [len(scene.directional_light_nodes), len(scene.spot_light_nodes),
                              len(scene.point_light_nodes)]
        if flags & Flags.SHADOWS_DIRECTIONAL:
            for light in scene.lights:
                if isinstance(light, pyrender.DirectionalLight) and light.shadow_texture is None:
                    light._generate_shadow_texture(size=self.shadow_size)
        super()._update_context(scene, flags)
        for light in scene.lights:
            texture = getattr(light, "shadow_texture", None)
            if texture is not None and texture._texid not in self._comparing:
                compare_in_sampler(texture._texid)
                self._comparing.add(texture._texid)
        # pyrender uploads a primitive's buffers once, when it enters the context; a liquid's
        # surface is a new mesh every frame.
        for primitive in [p for node in self.liquids for p in node.mesh.primitives] + \
                self.remeshed:
            primitive._remove_from_context()
            primitive._add_to_context()
        self.remeshed = []

    def _compute_max_n_lights(self, flags):
        # The shader is specialised on the scene's exact light counts (see mesh.frag).
        limits = super()._compute_max_n_lights(flags)
        return [min(count, limit) for count, limit in zip(self._light_counts, limits)]

    def _sorted_mesh_nodes(self, scene):
        liquids, overlays = set(self.liquids), set(self.overlays)

        first = len(self.draw_first)

        def order(node) -> tuple[int, int, str]:
            if node in overlays:
                return 3, 0, ""
            if node in liquids:
                return 1, 0, ""
            if node.mesh.is_transparent:
                return 2, 0, ""
            # pyrender keeps opaque meshes in a set, whose order changes from run to run;
            # where two surfaces are too close for the depth buffer (a court's lines on its
            # floor) the first drawn shows, so the order is fixed: `draw_first`, then names.
            return 0, self.draw_first.get(node, first), node.name or ""

        # A stable sort keeps pyrender's back-to-front order within the translucent layers.
        return sorted(super()._sorted_mesh_nodes(scene), key=order)

    def _get_primitive_program(self, primitive, flags, program_flags):
        # pyrender rebuilds the shader defines for every draw; they follow from these alone.
        material = primitive.material
        patterned = self.patterns is not None and primitive in self.patterns.by_primitive
        unshadowed = primitive in self.unshadowed
        key = (primitive.buf_flags, primitive.mode, type(material), material.tex_flags, flags,
               program_flags, tuple(self._light_counts), patterned, unshadowed)
        if key not in self._programs:
            self._program_cache.extra = {
                **({"PATTERN": 1} if patterned else {}),
                **({"DIRECTIONAL_LIGHT_SHADOWS": None} if unshadowed else {})}
            try:
                self._programs[key] = super()._get_primitive_program(primitive, flags,
                                                                     program_flags)
            finally:
                self._program_cache.extra = {}
        return self._programs[key]

    def _forward_pass(self, scene, flags, seg_node_map=None):
        self._lit_programs.clear()
        return super()._forward_pass(scene, flags, seg_node_map)

    def _bind_lighting(self, scene, program, node, flags):
        # pyrender binds every light for every primitive. Once per program and pass is enough:
        # the shader is specialised on the exact light counts, so no mesh gets its own pick of
        # lights; a program keeps its uniforms; and the shadow maps stay on their texture
        # units, as no material here has textures to take those units over.
        if program not in self._lit_programs:
            self._lit_programs.add(program)
            super()._bind_lighting(scene, program, node, flags)
            for name, value in zip(("sky_zenith", "sky_horizon", "sky_ground"), self.sky):
                program.set_uniform(name, value)

    def _shadow_mapping_pass(self, scene, light_node, flags):
        # The ground casts no shadow on anything, yet it would fill the whole shadow map.
        casting_none = self.receivers_only + [node.mesh for node in self.overlays]
        hidden = [mesh for mesh in casting_none if mesh.is_visible]
        for mesh in hidden:
            mesh.is_visible = False
        try:
            super()._shadow_mapping_pass(scene, light_node, flags)
        finally:
            for mesh in hidden:
                mesh.is_visible = True

    def _configure_shadow_mapping_viewport(self, light, flags):
        super()._configure_shadow_mapping_viewport(light, flags)
        GL.glViewport(0, 0, self.shadow_size, self.shadow_size)

    def _get_light_cam_matrices(self, scene, light_node, flags):
        if light_node in self.shadow_views:
            return self.shadow_views[light_node]
        return super()._get_light_cam_matrices(scene, light_node, flags)

    def _bind_and_draw_primitive(self, primitive, pose, program, flags):
        if primitive in self.id_colors:
            program.set_uniform("id_color", self.id_colors[primitive])
        if self.patterns is not None and not flags & (Flags.SEG | Flags.DEPTH_ONLY):
            self.patterns.bind(program, primitive)
        if primitive in self.markings:
            GL.glEnable(GL.GL_POLYGON_OFFSET_FILL)
            GL.glPolygonOffset(0.0, self.markings[primitive])  # coplanar: units alone
            try:
                self._draw_layered(primitive, pose, program, flags)
            finally:
                GL.glDisable(GL.GL_POLYGON_OFFSET_FILL)
            return
        self._draw_layered(primitive, pose, program, flags)

    def _draw_layered(self, primitive, pose, program, flags):
        if primitive not in self._overlay_primitives:
            super()._bind_and_draw_primitive(primitive, pose, program, flags)
            return
        GL.glDepthMask(GL.GL_FALSE)
        for attachment in (IDS_ATTACHMENT, NORMALS_ATTACHMENT):
            GL.glColorMaski(attachment, GL.GL_FALSE, GL.GL_FALSE, GL.GL_FALSE, GL.GL_FALSE)
        try:
            super()._bind_and_draw_primitive(primitive, pose, program, flags)
        finally:
            for attachment in (IDS_ATTACHMENT, NORMALS_ATTACHMENT):
                GL.glColorMaski(attachment, GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE)
            GL.glDepthMask(GL.GL_TRUE)

    def set_layers(self, liquids: list[pyrender.Node], overlays: list[pyrender.Node]) -> None:
        self.liquids, self.overlays = list(liquids), list(overlays)
        self._overlay_primitives = {p for node in overlays for p in node.mesh.primitives}


class Offscreen(pyrender.OffscreenRenderer):
    """An offscreen context whose renderer is the tuned `_Renderer`."""

    def __init__(self, width: int, height: int, shadow_size: int = SHADOW_MAP_SIZE):
        self._shadow_size = shadow_size
        self.multisample = False  # colour from a multisampled pass (renderer/multisample.py)
        self._id_nodes: dict[pyrender.Node, tuple[int, int, int]] = {}
        super().__init__(width, height)

    def _create(self):
        super()._create()
        self._renderer = _Renderer(self.viewport_width, self.viewport_height,
                                   self._shadow_size)

    @property
    def shadow_views(self) -> dict[pyrender.Node, ShadowView]:
        """Per directional-light node, the fixed light view its shadow map is rendered from."""
        return self._renderer.shadow_views

    def set_draw_first(self, nodes: list[pyrender.Node]) -> None:
        """Opaque nodes to draw before all others, in this order: of two surfaces closer than
        the depth buffer resolves, the one drawn first shows."""
        self._renderer.draw_first = {node: rank for rank, node in enumerate(nodes)}

    def set_receivers_only(self, meshes: list[pyrender.Mesh]) -> None:
        """Meshes that receive shadows but cast none (the ground): kept out of shadow maps."""
        self._renderer.receivers_only = list(meshes)

    def set_markings(self, meshes: list[pyrender.Mesh]) -> None:
        """Meshes painted on the floor (lines, rugs), lowest coat first: each is drawn a
        depth-offset step nearer than the floor and the coats before it, so it shows over them
        at any distance while a body standing on the floor still covers it."""
        self._renderer.markings = {p: -MARKING_STEP * (rank + 1)
                                   for rank, mesh in enumerate(meshes) for p in mesh.primitives}

    def set_unshadowed(self, meshes: list[pyrender.Mesh]) -> None:
        """Meshes that no shadow map reaches (the surroundings beyond the action): shaded
        without looking one up."""
        self._renderer.unshadowed = {p for mesh in meshes for p in mesh.primitives}

    def set_surface(self, sky, patterns: dict[str, list[pyrender.Primitive]], seed: int) -> None:
        """The sky that lights the scene (zenith, horizon and ground radiance) and the
        primitives laid with each surface pattern, whose textures are seeded by `seed`.

        The sky is scaled channel by channel so that an upward face gets the ambient light
        exactly, colour included: the script's ambient light keeps its meaning, and a blue sky
        shows as a darker, warmer light from below and bluer reflections, not as a blue cast
        on every material."""
        zenith, horizon, ground = (np.asarray(c, np.float32) for c in
                                   (sky.zenith, sky.horizon, sky.ground))
        scale = 1.0 / np.maximum((horizon + 2 * zenith) / 3, 1e-6)
        self._renderer.sky = (zenith * scale, horizon * scale, ground * scale)
        self._renderer.patterns = Patterns(seed)
        for pattern, primitives in patterns.items():
            self._renderer.patterns.assign(primitives, pattern)

    def set_layers(self, liquids: list[pyrender.Node], overlays: list[pyrender.Node]) -> None:
        """Liquid nodes (remeshed each frame, drawn after the opaque meshes) and
        overlay nodes (water: drawn last into the colour alone; leave them out of `set_ids`).
        """
        self._renderer.set_layers(liquids, overlays)

    def remesh(self, primitives: list[pyrender.Primitive]) -> None:
        """Primitives whose vertices changed: uploaded again before the next draw."""
        self._renderer.remeshed.extend(primitives)

    def set_ids(self, colors: dict[pyrender.Node, tuple[int, int, int]]) -> None:
        """The id colour (see `encode_id`) of each mesh node; nodes left out are not drawn
        by `render_ids` and leave whatever is behind them in `render_lit`'s ids."""
        self._id_nodes = colors
        self._renderer.id_colors = {primitive: np.asarray(color, np.float32) / 255
                                    for node, color in colors.items()
                                    for primitive in node.mesh.primitives}

    def render_lit(self, scene: pyrender.Scene, shadows: bool
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Colour [H,W,3] uint8, depth [H,W] float32 and ids [H,W] uint16: in one pass, or
        with `multisample` colour from a multisampled pass and the rest from a single-sample
        one.

        The scene's background alpha must be 0: the id attachment is cleared with it."""
        if scene.bg_color[3] != 0:
            raise ValueError("render_lit needs a scene background with alpha 0")
        flags = Flags.SHADOWS_DIRECTIONAL if shadows else Flags.NONE
        if not self.multisample:
            color, depth = self.render(scene, flags)
            return color, depth, self._renderer.last_ids
        if self.read_normals:  # the lit shader alone writes normals; its colour is dropped
            _, depth = self.render(scene, Flags.NONE)
            ids = self._renderer.last_ids
        else:
            depth, ids = self.render_ids(scene)
        self._renderer.multisample_pass = True
        try:
            color, _ = self.render(scene, flags)
        finally:
            self._renderer.multisample_pass = False
        return color, depth, ids

    @property
    def read_normals(self) -> bool:
        """Whether a lit render also reads back world normals (`last_normals`)."""
        return self._renderer.read_normals

    @read_normals.setter
    def read_normals(self, value: bool) -> None:
        self._renderer.read_normals = value

    @property
    def last_normals(self) -> np.ndarray | None:
        """[H,W,3] uint16 world normals of the latest lit render, (n + 1) / 2 x 65535."""
        return self._renderer.last_normals

    def render_ids(self, scene: pyrender.Scene) -> tuple[np.ndarray, np.ndarray]:
        """Depth and ids only, from the unlit segmentation pass."""
        color, depth = self.render(scene, Flags.SEG, self._id_nodes)
        return depth, decode_ids(color)

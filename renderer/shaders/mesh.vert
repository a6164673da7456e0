#version 330 core
// Lit pass: world position and normal for per-fragment shading.
layout(location = 0) in vec3 position;
layout(location = NORMAL_LOC) in vec3 normal;
layout(location = INST_M_LOC) in mat4 inst_m;
// A mesh may carry its surface per vertex (a fragment: its skin and its fracture faces in one
// draw): COLOR_0 multiplies the base colour, as in glTF, and TEXCOORD_0.x the roughness.
#ifdef COLOR_0_LOC
layout(location = COLOR_0_LOC) in vec4 color_0;
out vec4 frag_color_0;
#endif
#ifdef TEXCOORD_0_LOC
layout(location = TEXCOORD_0_LOC) in vec2 texcoord_0;
out float frag_roughness;
#endif

uniform mat4 M;
uniform mat4 V;
uniform mat4 P;

out vec3 frag_position;
out vec3 frag_normal;
#ifdef PATTERN
out vec3 frag_local_position;  // model space, where surface patterns are laid (see mesh.frag)
out vec3 frag_local_normal;
#endif
invariant gl_Position;  // depth must match the ids-only pass bit for bit

void main()
{
    mat4 model = M * inst_m;
    vec4 world = model * vec4(position, 1.0);  // the same expression as the other passes
    frag_position = world.xyz;
    frag_normal = transpose(inverse(mat3(model))) * normal;
    gl_Position = (P * V) * world;
#ifdef PATTERN
    frag_local_position = position;
    frag_local_normal = normal;
#endif
#ifdef COLOR_0_LOC
    frag_color_0 = color_0;
#endif
#ifdef TEXCOORD_0_LOC
    frag_roughness = texcoord_0.x;
#endif
}

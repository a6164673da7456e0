#version 330 core
// Lit pass: world position and normal for per-fragment shading.
layout(location = 0) in vec3 position;
layout(location = NORMAL_LOC) in vec3 normal;
layout(location = INST_M_LOC) in mat4 inst_m;

uniform mat4 M;
uniform mat4 V;
uniform mat4 P;

out vec3 frag_position;
out vec3 frag_normal;
invariant gl_Position;  // depth must match the ids-only pass bit for bit

void main()
{
    mat4 model = M * inst_m;
    vec4 world = model * vec4(position, 1.0);  // the same expression as the other passes
    frag_position = world.xyz;
    frag_normal = transpose(inverse(mat3(model))) * normal;
    gl_Position = (P * V) * world;
}

#version 330 core
// Segmentation pass: position only; the colour encodes the instance id.
layout(location = 0) in vec3 position;
layout(location = INST_M_LOC) in mat4 inst_m;

uniform mat4 M;
uniform mat4 V;
uniform mat4 P;

// The same expression, and invariance, as mesh.vert: every pass rasterizes the same depth.
invariant gl_Position;

void main()
{
    gl_Position = (P * V) * ((M * inst_m) * vec4(position, 1.0));
}

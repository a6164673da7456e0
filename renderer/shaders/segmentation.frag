#version 330 core
uniform vec3 color;  // the instance id as a colour (low byte, high byte, 0)
flat in int frag_instance;
out vec4 frag_color;

void main()
{
    // The free third byte carries the instance index mod 256, as in mesh.frag.
    frag_color = vec4(color.rg, (float(frag_instance & 255) + 0.25) / 255.0, 1.0);
}

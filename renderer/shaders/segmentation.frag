#version 330 core
uniform vec3 color;  // the instance id as a colour (low byte, high byte, 0)
out vec4 frag_color;

void main()
{
    frag_color = vec4(color.rg, 0.0, 1.0);
}

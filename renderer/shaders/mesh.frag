#version 330 core
// A lean metallic-roughness shader for llvmpipe: GGX specular, Lambert diffuse, and 2x2
// percentage-closer directional shadows (4 fetches where pyrender's own shader takes 36).
// It also writes the instance id colour, so one pass gives colour, depth and ids.
// Uniform names follow what pyrender's Renderer binds; meshes always carry normals.

struct DirectionalLight {
    vec3 color;
    float intensity;
    vec3 direction;
#ifdef DIRECTIONAL_LIGHT_SHADOWS
    sampler2D shadow_map;
    mat4 light_matrix;
#endif
};

struct PointLight {
    vec3 color;
    float intensity;
    vec3 position;
};

struct SpotLight {
    vec3 color;
    float intensity;
    vec3 position;
    vec3 direction;
    float light_angle_scale;
    float light_angle_offset;
};

struct Material {
    vec3 emissive_factor;
    vec4 base_color_factor;
    float metallic_factor;
    float roughness_factor;
};

uniform Material material;
// The renderer compiles one program per light count, so the loops have constant bounds
// and absent kinds of light cost nothing (llvmpipe pays for an empty dynamic loop).
#if MAX_DIRECTIONAL_LIGHTS > 0
uniform DirectionalLight directional_lights[MAX_DIRECTIONAL_LIGHTS];
#endif
#if MAX_POINT_LIGHTS > 0
uniform PointLight point_lights[MAX_POINT_LIGHTS];
#endif
#if MAX_SPOT_LIGHTS > 0
uniform SpotLight spot_lights[MAX_SPOT_LIGHTS];
#endif
uniform vec3 cam_pos;
uniform vec3 ambient_light;
uniform vec3 id_color;  // the instance id as a colour, written to the second attachment

in vec3 frag_position;
in vec3 frag_normal;
flat in int frag_instance;
#ifdef COLOR_0_LOC
in vec4 frag_color_0;  // per-vertex surface, see mesh.vert
#endif
#ifdef TEXCOORD_0_LOC
in float frag_roughness;
#endif

layout(location = 0) out vec4 frag_color;
layout(location = 1) out vec4 frag_id;  // alpha 1 marks a drawn pixel; the clear leaves 0
layout(location = 2) out vec4 frag_world_normal;  // (n + 1) / 2, the side facing the camera

const float PI = 3.141592653589793;
const float DIELECTRIC_F0 = 0.04;

vec3 brdf(vec3 n, vec3 v, vec3 l, vec3 c_diff, vec3 f0, float alpha)
{
    float nl = max(dot(n, l), 0.0);
    vec3 h = normalize(l + v);
    float nv = max(abs(dot(n, v)), 1e-3);
    float nh = max(dot(n, h), 0.0);
    float vh = max(dot(v, h), 0.0);
    float x = 1.0 - vh;
    float x2 = x * x;
    vec3 fresnel = f0 + (1.0 - f0) * (x2 * x2 * x);
    float a2 = alpha * alpha;
    float d = nh * nh * (a2 - 1.0) + 1.0;
    float distribution = a2 / (PI * d * d);
    float k = alpha * 0.5;
    float visibility = 0.25 / ((nl * (1.0 - k) + k) * (nv * (1.0 - k) + k));
    return nl * ((1.0 - fresnel) * c_diff / PI + fresnel * distribution * visibility);
}

#ifdef DIRECTIONAL_LIGHT_SHADOWS
// Fraction of light reaching this fragment. The bias is one shadow-map texel, grown with
// the surface slope, expressed in the light's depth units read off its ortho matrix.
float lit_fraction(mat4 light_matrix, sampler2D shadow_map, float nl)
{
    vec4 clip = light_matrix * vec4(frag_position, 1.0);
    vec3 c = clip.xyz / clip.w * 0.5 + 0.5;
    if (any(lessThan(c, vec3(0.0))) || any(greaterThan(c, vec3(1.0)))) {
        return 1.0;
    }
    ivec2 size = textureSize(shadow_map, 0);
    float texel = 2.0 / (length(vec3(light_matrix[0][0], light_matrix[1][0],
                                     light_matrix[2][0])) * float(size.x));
    float depth_per_m = 0.5 * length(vec3(light_matrix[0][2], light_matrix[1][2],
                                          light_matrix[2][2]));
    float slope = min(sqrt(max(1.0 - nl * nl, 0.0)) / max(nl, 0.05), 8.0);
    float reference = c.z - texel * (1.0 + slope) * depth_per_m;
    vec2 t = c.xy * vec2(size) - 0.5;
    ivec2 i0 = clamp(ivec2(floor(t)), ivec2(0), size - 1);
    ivec2 i1 = min(i0 + 1, size - 1);
    vec4 stored = vec4(texelFetch(shadow_map, i0, 0).r,
                       texelFetch(shadow_map, ivec2(i1.x, i0.y), 0).r,
                       texelFetch(shadow_map, ivec2(i0.x, i1.y), 0).r,
                       texelFetch(shadow_map, i1, 0).r);
    vec4 lit = step(vec4(reference), stored);
    vec2 f = fract(t);
    return mix(mix(lit.x, lit.y, f.x), mix(lit.z, lit.w, f.x), f.y);
}
#endif

void main()
{
    vec4 base = material.base_color_factor;
    float roughness = material.roughness_factor;
#ifdef COLOR_0_LOC
    base *= frag_color_0;
#endif
#ifdef TEXCOORD_0_LOC
    roughness *= frag_roughness;
#endif
    float metallic = clamp(material.metallic_factor, 0.0, 1.0);
    roughness = clamp(roughness, 0.04, 1.0);
    float alpha = roughness * roughness;
    vec3 c_diff = base.rgb * (1.0 - DIELECTRIC_F0) * (1.0 - metallic);
    vec3 f0 = mix(vec3(DIELECTRIC_F0), base.rgb, metallic);

    vec3 v = normalize(cam_pos - frag_position);
    vec3 n = normalize(frag_normal);
    // Double-sided surfaces seen from behind are lit on the side that faces the camera.
    n = gl_FrontFacing ? n : -n;

    vec3 color = base.rgb * ambient_light + material.emissive_factor;
#if MAX_DIRECTIONAL_LIGHTS > 0
    for (int i = 0; i < MAX_DIRECTIONAL_LIGHTS; i++) {
        vec3 l = -normalize(directional_lights[i].direction);
        vec3 radiance = directional_lights[i].intensity * directional_lights[i].color;
        vec3 res = radiance * brdf(n, v, l, c_diff, f0, alpha);
#ifdef DIRECTIONAL_LIGHT_SHADOWS
        res *= lit_fraction(directional_lights[i].light_matrix,
                            directional_lights[i].shadow_map, max(dot(n, l), 0.0));
#endif
        color += res;
    }
#endif
#if MAX_POINT_LIGHTS > 0
    for (int i = 0; i < MAX_POINT_LIGHTS; i++) {
        vec3 to_light = point_lights[i].position - frag_position;
        float d2 = max(dot(to_light, to_light), 1e-6);
        vec3 radiance = point_lights[i].intensity * point_lights[i].color / d2;
        color += radiance * brdf(n, v, to_light * inversesqrt(d2), c_diff, f0, alpha);
    }
#endif
#if MAX_SPOT_LIGHTS > 0
    for (int i = 0; i < MAX_SPOT_LIGHTS; i++) {
        vec3 to_light = spot_lights[i].position - frag_position;
        float d2 = max(dot(to_light, to_light), 1e-6);
        vec3 l = to_light * inversesqrt(d2);
        float cone = clamp(dot(spot_lights[i].direction, -l) * spot_lights[i].light_angle_scale
                           + spot_lights[i].light_angle_offset, 0.0, 1.0);
        vec3 radiance = cone * cone * spot_lights[i].intensity * spot_lights[i].color / d2;
        color += radiance * brdf(n, v, l, c_diff, f0, alpha);
    }
#endif
    frag_color = vec4(pow(clamp(color, 0.0, 1.0), vec3(1.0 / 2.2)), base.a);
    // The free third byte of the id colour carries the instance index mod 256; the quarter
    // step makes the byte come out right whether the conversion rounds or truncates.
    frag_id = vec4(id_color.rg, (float(frag_instance & 255) + 0.25) / 255.0, 1.0);
    frag_world_normal = vec4(n * 0.5 + 0.5, 1.0);
}

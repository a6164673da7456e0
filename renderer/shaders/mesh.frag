#version 330 core
// A lean metallic-roughness shader for llvmpipe: GGX specular, Lambert diffuse, soft
// percentage-closer directional shadows (four bilinear 2x2 taps, 16 fetches where pyrender's
// own shader takes 36), light from a procedural sky (diffuse and reflected), Fresnel on
// translucent surfaces, and surface patterns laid triplanar in the mesh's own frame (so they
// move with the body, and a fragment's break faces continue its grain).
// It also writes the instance id colour, so one pass gives colour, depth and ids.
// Uniform names follow what pyrender's Renderer binds; meshes always carry normals.

struct DirectionalLight {
    vec3 color;
    float intensity;
    vec3 direction;
#ifdef DIRECTIONAL_LIGHT_SHADOWS
    sampler2DShadow shadow_map;  // compares in the sampler: a bilinear 2x2 test per fetch
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
// The sky: radiance looking straight up, at the horizon and straight down, each relative to
// the ambient light's level (the script's ambient light sets how bright the sky is).
uniform vec3 sky_zenith;
uniform vec3 sky_horizon;
uniform vec3 sky_ground;
uniform mat4 M;
#ifdef PATTERN
// A surface pattern (see renderer/surfaces.py): R is the albedo modulation (128 = x1), G and
// B the tangent-space normal's x and y; `pattern_scale` is repeats per metre along u and v.
uniform sampler2D pattern;
uniform vec2 pattern_scale;
#endif

in vec3 frag_position;
in vec3 frag_normal;
#ifdef PATTERN
in vec3 frag_local_position;
in vec3 frag_local_normal;
#endif
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

// Light reflected towards the eye by one light: diffuse plus specular, and the specular alone
// in `specular` (a translucent surface keeps its highlights whatever its opacity).
vec3 brdf(vec3 n, vec3 v, vec3 l, vec3 c_diff, vec3 f0, float alpha, inout vec3 specular)
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
    vec3 spec = nl * fresnel * distribution * visibility;
    specular += spec;
    return nl * (1.0 - fresnel) * c_diff / PI + spec;
}

vec3 sky(vec3 d)
{
    float z = clamp(d.z, -1.0, 1.0);
    return mix(sky_horizon, z >= 0.0 ? sky_zenith : sky_ground, abs(z));
}

// Irradiance from the sky on a surface facing n, relative to a white sky's: a cosine-weighted
// blend of the upper and lower hemispheres' mean radiance.
vec3 sky_irradiance(vec3 n)
{
    vec3 upper = (sky_horizon + 2.0 * sky_zenith) / 3.0;
    vec3 lower = (sky_horizon + 2.0 * sky_ground) / 3.0;
    return mix(lower, upper, 0.5 + 0.5 * n.z);
}

// The sky reflected about n: sharp on a smooth surface, the hemisphere's blur on a rough one.
vec3 sky_reflection(vec3 n, vec3 v, float roughness)
{
    vec3 r = reflect(-v, n);
    return mix(sky(r), sky_irradiance(r), roughness);
}

#ifdef PATTERN
// The pattern's albedo modulation, and n perturbed by its normal map, both in model space.
// It is projected along the axis the surface faces most (one fetch: llvmpipe would run all
// three of a blended triplanar lookup), so a box's faces each show it undistorted; sides
// take u along z, so wood grain runs up a table leg and along a tabletop.
float surface(vec3 n, inout vec3 bumped)
{
    vec3 a = abs(n);
    vec3 p = frag_local_position;
    bool along_x = a.x >= a.y && a.x >= a.z;
    bool along_y = !along_x && a.y >= a.z;
    vec2 uv = (along_x ? p.zy : (along_y ? p.zx : p.xy)) * pattern_scale;
    vec3 s = texture(pattern, uv).rgb;
    vec2 t = s.gb * 2.0 - 1.0;
    vec3 offset = along_x ? vec3(0.0, t.y, t.x) : (along_y ? vec3(t.y, 0.0, t.x)
                                                            : vec3(t.x, t.y, 0.0));
    bumped = normalize(n + offset);
    return s.r * (255.0 / 128.0);
}
#endif

#ifdef DIRECTIONAL_LIGHT_SHADOWS
// Fraction of light reaching this fragment: four bilinear depth tests (the sampler compares,
// see renderer/offscreen.py) on a rotated grid 1.2 texels out, so a shadow's edge fades over
// about three texels instead of stair-stepping. There is no cheaper early out: llvmpipe runs
// both sides of a branch. The bias is one shadow-map texel, grown with the surface slope,
// expressed in the light's depth units read off its ortho matrix.
float lit_fraction(mat4 light_matrix, sampler2DShadow shadow_map, float nl)
{
    vec4 clip = light_matrix * vec4(frag_position, 1.0);
    vec3 c = clip.xyz / clip.w * 0.5 + 0.5;
    if (any(lessThan(c, vec3(0.0))) || any(greaterThan(c, vec3(1.0)))) {
        return 1.0;
    }
    vec2 size = vec2(textureSize(shadow_map, 0));
    float texel = 2.0 / (length(vec3(light_matrix[0][0], light_matrix[1][0],
                                     light_matrix[2][0])) * size.x);
    float depth_per_m = 0.5 * length(vec3(light_matrix[0][2], light_matrix[1][2],
                                          light_matrix[2][2]));
    float slope = min(sqrt(max(1.0 - nl * nl, 0.0)) / max(nl, 0.05), 8.0);
    float reference = c.z - texel * (1.0 + slope) * depth_per_m;
    vec2 step = 1.0 / size;
    return 0.25 * (texture(shadow_map, vec3(c.xy + vec2(-0.5, -1.2) * step, reference))
                   + texture(shadow_map, vec3(c.xy + vec2(1.2, -0.5) * step, reference))
                   + texture(shadow_map, vec3(c.xy + vec2(0.5, 1.2) * step, reference))
                   + texture(shadow_map, vec3(c.xy + vec2(-1.2, 0.5) * step, reference)));
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
    vec3 v = normalize(cam_pos - frag_position);
    vec3 n = normalize(frag_normal);
    // Double-sided surfaces seen from behind are lit on the side that faces the camera.
    n = gl_FrontFacing ? n : -n;
    vec3 shading = n;
#ifdef PATTERN
    // Meshes are posed rigidly, so mat3(M) takes model-space normals to world space.
    vec3 local = normalize(frag_local_normal) * (gl_FrontFacing ? 1.0 : -1.0);
    vec3 bumped;
    base.rgb *= surface(local, bumped);
    shading = normalize(mat3(M) * bumped);
#endif
    float metallic = clamp(material.metallic_factor, 0.0, 1.0);
    roughness = clamp(roughness, 0.04, 1.0);
    float alpha = roughness * roughness;
    vec3 c_diff = base.rgb * (1.0 - DIELECTRIC_F0) * (1.0 - metallic);
    vec3 f0 = mix(vec3(DIELECTRIC_F0), base.rgb, metallic);
    float nv = max(dot(shading, v), 0.0);
    float grazing = 1.0 - nv;
    float grazing2 = grazing * grazing;
    vec3 env_fresnel = f0 + (max(vec3(1.0 - roughness), f0) - f0) * (grazing2 * grazing2 * grazing);

    vec3 specular = ambient_light * env_fresnel * sky_reflection(shading, v, roughness);
    vec3 color = ambient_light * c_diff * sky_irradiance(shading) + specular
                 + material.emissive_factor;
#if MAX_DIRECTIONAL_LIGHTS > 0
    for (int i = 0; i < MAX_DIRECTIONAL_LIGHTS; i++) {
        vec3 l = -normalize(directional_lights[i].direction);
        vec3 radiance = directional_lights[i].intensity * directional_lights[i].color;
#ifdef DIRECTIONAL_LIGHT_SHADOWS
        radiance *= lit_fraction(directional_lights[i].light_matrix,
                                 directional_lights[i].shadow_map, max(dot(n, l), 0.0));
#endif
        vec3 highlight = vec3(0.0);
        color += radiance * brdf(shading, v, l, c_diff, f0, alpha, highlight);
        specular += radiance * highlight;
    }
#endif
#if MAX_POINT_LIGHTS > 0
    for (int i = 0; i < MAX_POINT_LIGHTS; i++) {
        vec3 to_light = point_lights[i].position - frag_position;
        float d2 = max(dot(to_light, to_light), 1e-6);
        vec3 radiance = point_lights[i].intensity * point_lights[i].color / d2;
        vec3 highlight = vec3(0.0);
        color += radiance * brdf(shading, v, to_light * inversesqrt(d2), c_diff, f0, alpha,
                                 highlight);
        specular += radiance * highlight;
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
        vec3 highlight = vec3(0.0);
        color += radiance * brdf(shading, v, l, c_diff, f0, alpha, highlight);
        specular += radiance * highlight;
    }
#endif
    float opacity = base.a;
    if (opacity < 1.0) {
        // Glass: what it reflects (the sky, the highlights) shows whatever its opacity, and
        // it turns into a mirror at grazing angles (Fresnel), as its rim and edges do.
        vec3 body = color - specular;
        opacity = clamp(base.a + (1.0 - base.a) * max(env_fresnel.g, dot(specular, vec3(0.33))),
                        base.a, 1.0);
        color = (body * base.a + specular) / opacity;
    }
    frag_color = vec4(pow(clamp(color, 0.0, 1.0), vec3(1.0 / 2.2)), opacity);
    frag_id = vec4(id_color.rg, 0.0, 1.0);
    frag_world_normal = vec4(n * 0.5 + 0.5, 1.0);
}

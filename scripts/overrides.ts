/**
 * Facts where we deliberately differ from Zoom's current spec, each with its reason. The generator
 * applies them and writes the reason into the generated module.
 */
export interface Override {
  /** Body or query fields that become optional. */
  readonly optional?: readonly string[];
  readonly reason: string;
}

export const OVERRIDES: Record<string, Override> = {
  "PATCH /meetings/{meetingId}/livestream": {
    optional: ["page_url"],
    reason: "The user's catalog page for 'Update a live stream' shows page_url as optional; the current spec marks it required.",
  },
};

/**
 * Field paths (in any tool) whose spec enum is too narrow or wrong; they accept any value of their
 * type, and the description lists the values.
 */
export const RELAXED_ENUMS: Record<string, string> = {
  "feature.license_info_list[].license_option":
    "The spec's list has 4086 where Zoom's own text (and the product) use 4096, so the list cannot be trusted.",
  "recurrence.weekly_days":
    "The spec lists single days '1'..'7', but Zoom takes several days as one comma-separated string, e.g. '1,3,5'.",
};

/** Image access without decoding more than needed: headers now, regions and tiles later. */
package loupe.core.imaging;

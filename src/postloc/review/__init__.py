"""The reviewer's side of one catalogue: status counts and merging a reviewer's corrected file."""

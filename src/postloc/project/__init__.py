"""A postloc project on disk: its layout, the stages over all posts, sync and the output folder."""
